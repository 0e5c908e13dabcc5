// The TypeScript SDK v2 (2.4.0) test server's tools, shared by the stdio entry (server.mjs) and the Streamable HTTP
// entry (http-server.mjs). Every tools/call it runs is reported on stderr as "RAN <name> <arguments JSON>"; wait_ms
// also says "WAITING wait_ms <arguments JSON>" when it starts, so a test can know a call is with the server before it
// acts (a later answer on another connection or session proves nothing about this one).
import { McpServer, inputRequired, acceptedContent } from '@modelcontextprotocol/server';
import * as z from 'zod';

const ran = (name, args) => process.stderr.write(`RAN ${name} ${JSON.stringify(args)}\n`);
let added = false;

/** Set by an entry before it serves: `headerTool` adds regional_echo, whose `region` is an x-mcp-header. */
export const serverOptions = { headerTool: false };

export function makeServer() {
  const server = new McpServer({ name: 'v2-test-server', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
  const text = s => ({ content: [{ type: 'text', text: s }] });
  server.registerTool('echo', { description: 'Echoes its text.', inputSchema: z.object({ text: z.string() }) }, async (args) => {
    ran('echo', args);
    return text(`echo: ${args.text}`);
  });
  server.registerTool('place_order', { description: 'Places an order.', inputSchema: z.object({ symbol: z.string(), qty: z.string() }) }, async (args) => {
    ran('place_order', args);
    return text(`placed ${args.qty} ${args.symbol}`);
  });
  server.registerTool('confirm', { description: 'Asks before it acts.', inputSchema: z.object({ qty: z.string() }) }, async (args, ctx) => {
    const answer = acceptedContent(ctx.mcpReq.inputResponses, 'sure', z.object({ sure: z.boolean() }));
    if (answer?.sure !== true) {
      return inputRequired({
        inputRequests: { sure: inputRequired.elicit({ message: `Really ${args.qty}?`, requestedSchema: z.object({ sure: z.boolean() }) }) },
        requestState: `server-state-${args.qty}`,
      });
    }
    ran('confirm', args);
    return text(`confirmed ${args.qty}`);
  });
  server.registerTool('wait_ms', { description: 'Answers after ms milliseconds.', inputSchema: z.object({ ms: z.number() }) }, async (args) => {
    process.stderr.write(`WAITING wait_ms ${JSON.stringify(args)}\n`);
    await new Promise(resolve => setTimeout(resolve, args.ms));
    ran('wait_ms', args);
    return text(`waited ${args.ms}`);
  });
  server.registerTool('pick_tools', { description: 'Asks the client model to pick a tool.', inputSchema: z.object({}) }, async (args, ctx) => {
    const picked = ctx.mcpReq.inputResponses?.pick;
    if (picked === undefined) {
      return inputRequired({
        inputRequests: { pick: inputRequired.createMessage({
          messages: [{ role: 'user', content: { type: 'text', text: 'Pick a tool.' } }],
          maxTokens: 50,
          tools: [{ name: 'place_order', inputSchema: { type: 'object', properties: { qty: { type: 'string' } } } }],
        }) },
        requestState: 'server-state-pick',
      });
    }
    ran('pick_tools', { picked });
    return text('the model picked');
  });
  if (serverOptions.headerTool) {
    const region = z.string().meta({ 'x-mcp-header': 'Region' });
    server.registerTool('regional_echo', { description: 'Echoes with its region.', inputSchema: z.object({ region, text: z.string() }) }, async (args) => {
      ran('regional_echo', args);
      return text(`${args.region}: ${args.text}`);
    });
  }
  const late = () => server.registerTool('late', { description: 'Added on command.', inputSchema: z.object({}) }, async (args) => {
    ran('late', args);
    return text('late ran');
  });
  if (added) late();
  server.registerTool('add_tool', { description: 'Adds the tool late.', inputSchema: z.object({}) }, async () => {
    if (!added) { added = true; late(); }
    return text('added');
  });
  return server;
}
