"""A YAML loader for config files: plain data only, no key given twice."""

import yaml


class UniqueKeyLoader(yaml.SafeLoader):
    """yaml's safe loader, refusing a key given twice in one mapping: the
    plain loader silently keeps the last value. The key is not quoted in
    the error by default, since it may be a secret (an API key)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, self.duplicate_message(key), key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)

    def duplicate_message(self, key) -> str:
        return "duplicate key"
