"""The ``longtrainer.yaml`` that ``longtrainer init`` writes."""

CONFIG_TEMPLATE = """\
# longtrainer.yaml: read by `longtrainer serve` and every other command
# (`-c FILE` reads another one). Check it with `longtrainer limits check FILE`.

server:
  # Bots, documents and chats live in a SQLite file in this directory,
  # relative to this file. The server and the command line share it.
  data_dir: ./.longtrainer

  # API key -> tenant id. Each tenant reaches only its own bots. With no
  # keys, every caller is the single tenant `default`: trusted machines only.
  # Keys may also come from LONGTRAINER_API_KEYS="key1=acme,key2=globex".
  api_keys: {}
  #   "change-me-acme": acme

  # The largest document accepted, in bytes.
  max_document_bytes: 2000000

  provider:
    # local: works offline, no key; answers with the best-matching passages
    # of the bot's documents. openai: any OpenAI-compatible API (OpenAI,
    # vLLM, Ollama) with the settings below.
    kind: local
    # base_url: http://127.0.0.1:11434/v1   # where the API answers
    # model: llama3.1                       # the chat model
    # embedding_model: nomic-embed-text     # unset: embeddings stay local
    # api_key_env: OPENAI_API_KEY           # variable holding the API key
    # timeout: 30                           # seconds per upstream call

rate_limiting:
  # Off: every call is admitted. On: each tenant has a ceiling per resource
  # and its active bots share it equally. Refused calls get 429 with
  # Retry-After; `longtrainer chat` waits them out by itself.
  enabled: false

  # Calls per minute, per tenant, for each shared resource.
  llm_rpm: 60          # chat answers
  embedding_rpm: 120   # embedded texts: one per question, one per chunk
  tool_rpm: 30         # tool runs
  ingestion_rpm: 10    # documents added

  # Bucket capacity in tokens (calls that may come at once); default: the
  # rpm. Any 60 seconds may see burst + rpm calls; burst 1 spaces calls
  # evenly (with llm_rpm 30, one every two seconds).
  # llm_burst: 60
  # embedding_burst: 120
  # tool_burst: 30
  # ingestion_burst: 10

  # Seconds after its last call that a bot still takes its share.
  active_window: 60

  # Further resources, limited like the built-in ones: {name: {rpm, burst}}.
  resources: {}
  #   vision: {rpm: 20, burst: 5}

  # A tenant's own ceiling, with the keys above: {tenant: {key: value}}.
  tenant_overrides: {}
  #   acme: {llm_rpm: 600}

  # A bot's fixed rate instead of the equal share (the tenant's ceiling
  # still applies): {bot id: {key: value}}.
  bot_overrides: {}
  #   bot-vip: {llm_rpm: 120, llm_burst: 20}
"""
