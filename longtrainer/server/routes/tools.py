"""Built-in tools on a bot's budget: one ``tool`` token per call."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from ...models.base import Tool, ToolError
from ..schemas import ToolCall, ToolInfo, ToolResult
from ._answers import KEYED, LIMITED
from ._shared import OwnedBot, ProvidersDep, Tenant, limited

router = APIRouter(tags=["tools"], responses=KEYED)


async def known_tool(name: str, providers: ProvidersDep) -> Tool:
    """The tool called ``name``, or 404 (before any token is taken)."""
    tool = providers.tools.get(name)
    if tool is None:
        known = ", ".join(sorted(providers.tools))
        message = f"No tool '{name}'; tools: {known}."
        raise HTTPException(status.HTTP_404_NOT_FOUND, message)
    return tool


KnownTool = Annotated[Tool, Depends(known_tool)]


async def tool_call(body: ToolCall) -> ToolCall:
    """The validated body, as a dependency the bot resolver can require."""
    return body


Call = Annotated[ToolCall, Depends(tool_call)]


async def calling_bot(bot: OwnedBot, tool: KnownTool, call: Call) -> str:
    """The bot calling, once the tool is known and the body is valid."""
    return bot.id


@router.get("/tools")
async def list_tools(tenant_id: Tenant, providers: ProvidersDep) -> list[ToolInfo]:
    """The tools a bot may call."""
    tools = sorted(providers.tools.values(), key=lambda tool: tool.name)
    return [ToolInfo(name=t.name, description=t.description) for t in tools]


@router.post(
    "/bots/{bot_id}/tools/{name}",
    dependencies=[limited("tool", bot=calling_bot)],
    responses=LIMITED,
)
async def call_tool(tool: KnownTool, body: Call) -> ToolResult:
    """Run a tool with ``arguments``; 422 when it refuses them."""
    try:
        result = tool.run(body.arguments)
    except ToolError as error:
        raise HTTPException(422, str(error)) from None
    return ToolResult(tool=tool.name, result=result)
