import { pipelineSchema } from '../compiler/schema/pipeline-schema.js';
import type { CommandContext } from './commands.js';

export default async function schema(ctx: CommandContext): Promise<number> {
  ctx.stdout.write(`${JSON.stringify(pipelineSchema, null, 2)}\n`);
  return 0;
}
