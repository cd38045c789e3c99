// An MCP server with guarded tools, and an agent calling them over MCP: see McpStory.
using McpAgent;

return await McpStory.RunAsync(Console.Out);
