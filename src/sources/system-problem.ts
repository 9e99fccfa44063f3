/** A file system error as the few words a user needs ("no such file or directory"), without Node's code and syscall. */
export function systemProblem(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory (a part of the path is a file)';
    default:
      return error instanceof Error ? error.message.split('\n')[0]! : String(error);
  }
}
