"""Built-in tools on a bot's budget: one ``tool`` token per call."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from ...models.base import Tool, ToolError
from ..schemas import ToolCall, ToolInfo, ToolResult
from ._shared import ProvidersDep, Tenant, limited

router = APIRouter(tags=["tools"])


async def known_tool(name: str, providers: ProvidersDep) -> Tool:
    """The tool called ``name``, or 404 (before any token is taken)."""
    tool = providers.tools.get(name)
    if tool is None:
        known = ", ".join(sorted(providers.tools))
        message = f"No tool '{name}'; tools: {known}."
        raise HTTPException(status.HTTP_404_NOT_FOUND, message)
    return tool


@router.get("/tools")
async def list_tools(tenant_id: Tenant, providers: ProvidersDep) -> list[ToolInfo]:
    """The tools a bot may call."""
    tools = sorted(providers.tools.values(), key=lambda tool: tool.name)
    return [ToolInfo(name=t.name, description=t.description) for t in tools]


@router.post(
    "/bots/{bot_id}/tools/{name}",
    dependencies=[Depends(known_tool), limited("tool")],
)
async def call_tool(
    tool: Annotated[Tool, Depends(known_tool)],
    body: ToolCall,
) -> ToolResult:
    """Run a tool with ``arguments``; 422 when it refuses them."""
    try:
        result = tool.run(body.arguments)
    except ToolError as error:
        raise HTTPException(422, str(error)) from None
    return ToolResult(tool=tool.name, result=result)
