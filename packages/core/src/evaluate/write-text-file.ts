/** Writes `text` to `path`, creating its folder; Node only. */
export async function writeTextFile(path: string, text: string): Promise<void> {
  const [{ mkdir, writeFile }, { dirname }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
  ]);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, 'utf8');
}
