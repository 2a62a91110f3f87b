import 'reflect-metadata';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from './config/env.js';
import { initOrm, loadReferenceData } from './db/bootstrap.js';
import { embeddedUrl } from './db/embedded-postgres.js';
import { AppError } from './graphql/errors.js';
import { createContext } from './server.js';
import { UsersService } from './modules/users/users.service.js';

/**
 * `pnpm --filter @tanfang/api create-admin --username <name> --name <姓名> --region <code>`: the first administrator
 * of a new installation (production loads no demo users). The password comes from TANFANG_ADMIN_PASSWORD or is
 * asked for on the terminal, never from the command line (which other users of the machine can read in `ps`).
 * Refused once an active administrator exists: from then on users are created in the console.
 * Connects to DATABASE_URL, or to the embedded server of a running `pnpm start`.
 */
const { values } = parseArgs({
  options: { username: { type: 'string' }, name: { type: 'string' }, region: { type: 'string' } },
});
if (!values.username || !values.name || !values.region) {
  console.error('用法 usage: pnpm --filter @tanfang/api create-admin --username <用户名> --name <姓名> --region <地区代码>');
  process.exit(2);
}
let password = process.env.TANFANG_ADMIN_PASSWORD ?? '';
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  password = (await rl.question('密码 password (10+ characters, letters and digits): ')).trim();
  rl.close();
}

const config = loadConfig();
const orm = await initOrm(config.databaseUrl ?? embeddedUrl(config.embeddedPgPort, 'tanfang'));
try {
  // A fresh database may not have its region tree yet (the API loads it on its first start).
  await loadReferenceData(orm.em.fork());
  const ctx = await createContext({ orm, config }, { actor: null });
  const user = await new UsersService(ctx).bootstrapAdmin({ username: values.username, displayName: values.name, regionCode: values.region, password });
  console.log(`已创建管理员 created administrator ${user.username} (${user.displayName}), ${user.regionName} ${user.regionCode}`);
  process.exitCode = 0;
} catch (error) {
  if (error instanceof AppError) {
    const fields = (error.extensions.fieldErrors as { field: string; message: string }[] | undefined) ?? [];
    console.error(`${error.extensions.code}: ${error.message}${fields.map((f) => `\n  ${f.field}: ${f.message}`).join('')}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
} finally {
  await orm.close(true);
}
