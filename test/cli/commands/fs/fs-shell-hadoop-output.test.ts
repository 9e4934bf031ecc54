/**
 * `loom fs` prints what `hdfs dfs` prints. The expected outputs below were recorded from the
 * real Hadoop 3.3.6 FsShell (`hadoop fs ...`) on the same tree (fs-shell-kit.ts), with the
 * times replaced by DATE, the scratch dir by /t and the group by the mini cluster's (its root
 * is root:supergroup, new inodes take their parent's group, as in HDFS). Error lines are
 * Hadoop's with Loom's prefix "loom fs -<command>: " instead of "<command>: ".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMANDS } from '../../../../cli/commands/fs/command-table.js';
import { makeRecordedTree, startFsShellKit, withoutDates, type FsShellKit } from './fs-shell-kit.js';

let kit: FsShellKit;
beforeEach(async () => {
  kit = await startFsShellKit();
  await makeRecordedTree(kit);
});
afterEach(async () => {
  await kit.stop();
});

const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');

describe('loom fs -ls', () => {
  it('-R lists the tree depth first (it used to be taken for a path: "`-R\': No such file or directory")', async () => {
    const r = await kit.fs('-ls', '-R', '/t');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(withoutDates(r.out)).toBe(
      lines(
        'drwxr-xr-x   - root supergroup          0 DATE /t/a',
        'drwxr-xr-x   - root supergroup          0 DATE /t/a/b',
        '-rw-r--r--   1 root supergroup    3145800 DATE /t/a/b/big.bin',
        '-rw-r--r--   1 root supergroup          0 DATE /t/a/b/empty',
        '-rw-r--r--   1 root supergroup       1505 DATE /t/a/b/tail.txt',
        '-rw-r--r--   1 root supergroup          5 DATE /t/a.txt',
        'drwxr-xr-x   - root supergroup          0 DATE /t/tree',
        'drwxr-xr-x   - root supergroup          0 DATE /t/tree/sub',
        '-rw-r--r--   1 root supergroup       2000 DATE /t/tree/sub/c.bin',
      ),
    );
  });

  it('-h sizes, -C paths only, -d the directory itself, "Found N items" for a listing', async () => {
    expect(withoutDates((await kit.fs('-ls', '-h', '/t/a/b')).out)).toBe(
      lines(
        'Found 3 items',
        '-rw-r--r--   1 root supergroup      3.0 M DATE /t/a/b/big.bin',
        '-rw-r--r--   1 root supergroup          0 DATE /t/a/b/empty',
        '-rw-r--r--   1 root supergroup      1.5 K DATE /t/a/b/tail.txt',
      ),
    );
    expect((await kit.fs('-ls', '-C', '-R', '/t/tree')).out).toBe(lines('/t/tree/sub', '/t/tree/sub/c.bin'));
    expect(withoutDates((await kit.fs('-ls', '-d', '/t', '/t/a.txt')).out)).toBe(
      lines('drwxr-xr-x   - root supergroup          0 DATE /t', '-rw-r--r--   1 root supergroup          5 DATE /t/a.txt'),
    );
    // -R with -d lists only the directory; a trailing slash or a doubled one prints normalised.
    expect((await kit.fs('-ls', '-R', '-d', '-C', '/t/')).out).toBe(lines('/t'));
    expect(withoutDates((await kit.fs('-ls', '/t//a')).out)).toBe(
      lines('Found 1 items', 'drwxr-xr-x   - root supergroup          0 DATE /t/a/b'),
    );
  });

  it('-S sorts by size (stable, name order within equal sizes), -r reverses, -t newest first', async () => {
    const names = async (...args: string[]) =>
      (await kit.fs('-ls', ...args, '/t')).out
        .split('\n')
        .slice(1, -1)
        .map((l) => l.split(' ').at(-1));
    expect(await names('-S')).toEqual(['/t/a.txt', '/t/a', '/t/tree']);
    expect(await names('-S', '-r')).toEqual(['/t/a', '/t/tree', '/t/a.txt']);
    await kit.client.setTimes('/t/a', { modificationTime: Date.now() + 120_000 });
    await kit.client.setTimes('/t/tree', { modificationTime: 1_000_000_000_000 });
    expect(await names('-t')).toEqual(['/t/a', '/t/a.txt', '/t/tree']);
    expect(await names('-t', '-r')).toEqual(['/t/tree', '/t/a.txt', '/t/a']);
  });

  it('globs: *, ?, [..], {a,b}; a pattern that matches nothing is "No such file or directory"', async () => {
    expect((await kit.fs('-ls', '-C', '/t/a/b/*.bin', '/t/a/b/[et]*', '/t/a/b/?mpty')).out).toBe(
      lines('/t/a/b/big.bin', '/t/a/b/empty', '/t/a/b/tail.txt', '/t/a/b/empty'),
    );
    expect(withoutDates((await kit.fs('-ls', '/t/{a,tree}')).out)).toBe(
      lines(
        'Found 1 items',
        'drwxr-xr-x   - root supergroup          0 DATE /t/a/b',
        'Found 1 items',
        'drwxr-xr-x   - root supergroup          0 DATE /t/tree/sub',
      ),
    );
    expect(await kit.fs('-ls', '/t/nomatch*')).toEqual({
      code: 1,
      out: '',
      err: "loom fs -ls: `/t/nomatch*': No such file or directory\n",
    });
  });

  it('relative paths print relative to the home directory, children of "." by name', async () => {
    await kit.client.mkdirs('/user/root/rel/d');
    await kit.put('/user/root/rel/a.txt', 'hello');
    expect(withoutDates((await kit.fs('-ls', 'rel')).out)).toBe(
      lines(
        'Found 2 items',
        '-rw-r--r--   1 root supergroup          5 DATE rel/a.txt',
        'drwxr-xr-x   - root supergroup          0 DATE rel/d',
      ),
    );
    expect(withoutDates((await kit.fs('-ls')).out)).toBe(lines('Found 1 items', 'drwxr-xr-x   - root supergroup          0 DATE rel'));
    expect((await kit.fs('-ls', '-C', '../../t/a')).out).toBe(lines('../../t/a/b'));
    expect((await kit.fs('-ls', '-C', `${kit.fsUri}/t/tree`)).out).toBe(lines(`${kit.fsUri}/t/tree/sub`));
  });

  it('widens the owner and group columns to the longest name so far, and never narrows them', async () => {
    await kit.client.setOwner('/t/a.txt', { owner: 'nobody', group: 'nogroup' });
    expect(withoutDates((await kit.fs('-ls', '/t/a.txt', '/t/tree', '/t/a.txt')).out)).toBe(
      lines(
        '-rw-r--r--   1 nobody nogroup          5 DATE /t/a.txt',
        'Found 1 items',
        'drwxr-xr-x   - root   supergroup          0 DATE /t/tree/sub',
        '-rw-r--r--   1 nobody nogroup             5 DATE /t/a.txt',
      ),
    );
  });
});

describe('loom fs -du, -count', () => {
  it('-du lists the children of a directory; -s -h -v summarises with a header; the table is padded', async () => {
    expect((await kit.fs('-du', '/t')).out).toBe(
      lines('3147305  3147305  /t/a', '5        5        /t/a.txt', '2000     2000     /t/tree'),
    );
    expect((await kit.fs('-du', '-h', '/t/a/b')).out).toBe(
      lines('3.0 M  3.0 M  /t/a/b/big.bin', '0      0      /t/a/b/empty', '1.5 K  1.5 K  /t/a/b/tail.txt'),
    );
    expect((await kit.fs('-du', '-s', '-h', '-v', '/t', '/t/a')).out).toBe(
      lines(
        'SIZE   DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS  FULL_PATH_NAME',
        '3.0 M  3.0 M                                  /t',
        '3.0 M  3.0 M                                  /t/a',
      ),
    );
    expect(await kit.fs('-du', '/t/nothere', '/t/a.txt')).toEqual({
      code: 1,
      out: lines('5  5  /t/a.txt'),
      err: "loom fs -du: `/t/nothere': No such file or directory\n",
    });
  });

  it('-count columns, -q/-u quotas, -h, -v headers, -e and -s', async () => {
    expect((await kit.fs('-count', '/t', '/t/a.txt')).out).toBe(
      lines('           5            5            3149310 /t', '           0            1                  5 /t/a.txt'),
    );
    expect((await kit.fs('-count', '-h', '/t/a')).out).toBe(lines('           2            3              3.0 M /t/a'));
    expect((await kit.fs('-count', '-q', '-v', '/t')).out).toBe(
      lines(
        '       QUOTA       REM_QUOTA     SPACE_QUOTA REM_SPACE_QUOTA    DIR_COUNT   FILE_COUNT       CONTENT_SIZE PATHNAME',
        '        none             inf            none             inf            5            5            3149310 /t',
      ),
    );
    expect((await kit.fs('-count', '-u', '-v', '/t')).out).toBe(
      lines(
        '       QUOTA       REM_QUOTA     SPACE_QUOTA REM_SPACE_QUOTA PATHNAME',
        '        none             inf            none             inf /t',
      ),
    );
    expect((await kit.fs('-count', '-e', '/t')).out).toBe(lines('           5            5            3149310 EC: /t'));
    expect((await kit.fs('-count', '-s', '/t')).out).toBe(
      lines(
        '           5            5            3149310                  0                        0                        0                            0 /t',
      ),
    );
  });
});

describe('loom fs -tail, -head, -cat, -checksum', () => {
  it('-tail prints the last KB; -head the first; a directory is refused', async () => {
    expect((await kit.fs('-tail', '/t/a/b/tail.txt')).out).toBe(`${'x'.repeat(1019)}line\n`);
    expect((await kit.fs('-head', '/t/a/b/tail.txt')).out).toBe('x'.repeat(1024));
    expect(await kit.fs('-tail', '/t/a/b')).toEqual({ code: 1, out: '', err: "loom fs -tail: `/t/a/b': Is a directory\n" });
    expect(await kit.fs('-cat', '/t/a.txt', '/t/nothere', '/t/a.txt')).toEqual({
      code: 1,
      out: 'hellohello',
      err: "loom fs -cat: `/t/nothere': No such file or directory\n",
    });
  });

  it('-tail -f follows the file as it grows, every -s milliseconds, until stopped', async () => {
    const stop = new AbortController();
    const seen: string[] = [];
    const { PassThrough } = await import('node:stream');
    const stdout = new PassThrough();
    stdout.on('data', (c: Buffer) => seen.push(c.toString()));
    const running = kit.fsWith({ stdout, signal: stop.signal }, '-tail', '-f', '-s', '20', '/t/a.txt');
    const until = async (text: string) => {
      for (let i = 0; i < 500 && !seen.join('').includes(text); i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until('hello');
    await kit.client.append('/t/a.txt', Buffer.from(' world'));
    await until('hello world');
    stop.abort();
    expect((await running).code).toBe(0);
    expect(seen.join('')).toBe('hello world');
  });

  it('-checksum prints the path, the algorithm and the checksum; -v the block size too', async () => {
    const r = await kit.fs('-checksum', '-v', '/t/a.txt');
    expect(r.out).toMatch(/^\/t\/a\.txt\tMD5-of-0MD5-of-512CRC32C\t[0-9a-f]{56}\tBlockSize=134217728\n$/);
  });
});

describe('loom fs -test', () => {
  it('answers with the exit code only', async () => {
    const rc = async (...args: string[]) => {
      const r = await kit.fs('-test', ...args);
      expect([r.out, r.err]).toEqual(['', '']);
      return r.code;
    };
    expect(await rc('-e', '/t')).toBe(0);
    expect(await rc('-e', '/t/zz')).toBe(1);
    expect(await rc('-d', '/t')).toBe(0);
    expect(await rc('-f', '/t')).toBe(1);
    expect(await rc('-f', '/t/a.txt')).toBe(0);
    expect(await rc('-s', '/t/a/b/empty')).toBe(1);
    expect(await rc('-z', '/t/a/b/empty')).toBe(0);
    expect(await rc('-w', '/t/a.txt')).toBe(0);
    expect(await rc('-r', '/t/nothere')).toBe(1);
  });

  it('-w and -r ask the NameNode whether this user may (CHECKACCESS)', async () => {
    await kit.client.setPermission('/t/a.txt', '640');
    expect((await kit.fsWith({ user: 'alice' }, '-test', '-w', '/t/a.txt')).code).toBe(1);
    expect((await kit.fsWith({ user: 'alice' }, '-test', '-r', '/t/a.txt')).code).toBe(1);
    expect((await kit.fsWith({ user: 'alice' }, '-test', '-r', '/t/a/b/empty')).code).toBe(0);
  });

  it('takes exactly one flag, as Hadoop', async () => {
    expect(await kit.fs('-test', '/t')).toEqual({
      code: 255,
      out: '',
      err: 'loom fs -test: No test flag given (usage: loom fs -usage -test)\n',
    });
    expect((await kit.fs('-test', '-d', '-e', '/t')).err.split(' (usage: ')[0]).toBe('loom fs -test: Only one test flag is allowed');
    expect((await kit.fs('-test', '-ed', '/t')).err.split(' (usage: ')[0]).toBe('loom fs -test: Illegal option -ed');
  });
});

describe('loom fs -setrep, -chmod, -chown, -chgrp, -stat, -touchz, -touch', () => {
  it('-setrep sets every file under a directory and says so', async () => {
    expect(await kit.fs('-setrep', '2', '/t/a.txt')).toEqual({ code: 0, out: 'Replication 2 set: /t/a.txt\n', err: '' });
    expect((await kit.fs('-setrep', '-R', '1', '/t/a')).out).toBe(
      lines('Replication 1 set: /t/a/b/big.bin', 'Replication 1 set: /t/a/b/empty', 'Replication 1 set: /t/a/b/tail.txt'),
    );
    expect((await kit.client.getFileStatus('/t/a.txt')).replication).toBe(2);
    expect(await kit.fs('-setrep', '0', '/t/a.txt')).toMatchObject({
      code: 255,
      err: 'loom fs -setrep: replication must be >= 1 (usage: loom fs -usage -setrep)\n',
    });
    expect((await kit.fs('-setrep', 'x', '/t/a.txt')).err).toBe(
      'loom fs -setrep: Illegal replication, a positive integer expected: For input string: "x" (usage: loom fs -usage -setrep)\n',
    );
  });

  it('-chmod takes octal and symbolic modes, -R walks the tree', async () => {
    expect((await kit.fs('-chmod', '755', '/t/a.txt')).code).toBe(0);
    expect((await kit.fs('-chmod', '-R', 'go-rx', '/t/tree')).code).toBe(0);
    expect((await kit.fs('-chmod', 'u=rwx,g+w,o+t', '/t/a')).code).toBe(0);
    expect((await kit.fs('-chmod', '+X', '/t/a/b/empty')).code).toBe(0);
    expect((await kit.fs('-chmod', '1777', '/t/a/b')).code).toBe(0);
    expect(withoutDates((await kit.fs('-ls', '-R', '/t')).out)).toBe(
      lines(
        'drwxrwxr-t   - root supergroup          0 DATE /t/a',
        'drwxrwxrwt   - root supergroup          0 DATE /t/a/b',
        '-rw-r--r--   1 root supergroup    3145800 DATE /t/a/b/big.bin',
        '-rw-r--r--   1 root supergroup          0 DATE /t/a/b/empty',
        '-rw-r--r--   1 root supergroup       1505 DATE /t/a/b/tail.txt',
        '-rwxr-xr-x   1 root supergroup          5 DATE /t/a.txt',
        'drwx------   - root supergroup          0 DATE /t/tree',
        'drwx------   - root supergroup          0 DATE /t/tree/sub',
        '-rw-------   1 root supergroup       2000 DATE /t/tree/sub/c.bin',
      ),
    );
    expect(await kit.fs('-chmod', '9', '/t/a.txt')).toMatchObject({
      code: 255,
      err: "loom fs -chmod: chmod : mode '9' does not match the expected pattern. (usage: loom fs -usage -chmod)\n",
    });
  });

  it('-chown and -chgrp change what differs; a refusal names the path and the reason', async () => {
    expect((await kit.fs('-chown', 'nobody:nogroup', '/t/a.txt')).code).toBe(0);
    expect((await kit.fs('-chgrp', '-R', 'staff', '/t/tree')).code).toBe(0);
    expect((await kit.fs('-stat', '%u:%g', '/t/a.txt', '/t/tree/sub/c.bin')).out).toBe(lines('nobody:nogroup', 'root:staff'));
    const refused = await kit.fsWith({ user: 'alice' }, '-chmod', '777', '/t/a/b/empty');
    expect(refused).toMatchObject({
      code: 1,
      err: "loom fs -chmod: changing permissions of '/t/a/b/empty': Permission denied. user=alice is not the owner of inode=/t/a/b/empty\n",
    });
  });

  it('-stat formats; -touchz and -touch create and time files as Hadoop', async () => {
    await kit.client.setTimes('/t/a.txt', { modificationTime: Date.UTC(2020, 0, 2, 3, 4, 5), accessTime: Date.UTC(2020, 0, 2, 3, 4, 6) });
    expect((await kit.fs('-stat', '%a|%A|%b|%F|%g|%n|%o|%r|%u|%x|%X|%y|%Y|%z|%', '/t/a.txt', '/t/a')).out).toMatch(
      /^644\|rw-r--r--\|5\|regular file\|supergroup\|a\.txt\|134217728\|1\|root\|2020-01-02 03:04:06\|1577934246000\|2020-01-02 03:04:05\|1577934245000\|z\|\n755\|rwxr-xr-x\|0\|directory\|supergroup\|a\|0\|0\|root\|1970-01-01 00:00:00\|0\|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\|\d+\|z\|\n$/,
    );
    expect((await kit.fs('-stat', '-R', '%n', '/t/tree')).out).toBe(lines('tree', 'sub', 'c.bin'));
    expect(await kit.fs('-touchz', '/t/newz', '/t/a.txt')).toEqual({
      code: 1,
      out: '',
      err: "loom fs -touchz: `/t/a.txt': Not a zero-length file\n",
    });
    expect((await kit.client.getFileStatus('/t/newz')).length).toBe(0);
    expect((await kit.fs('-touchz', '/t/a')).err).toBe("loom fs -touchz: `/t/a': Is a directory\n");
    expect((await kit.fs('-touch', '-c', '/t/notouched')).code).toBe(0);
    expect((await kit.fs('-test', '-e', '/t/notouched')).code).toBe(1);
    expect((await kit.fs('-touch', '-m', '-t', '20200102:030405', '/t/a/b/empty')).code).toBe(0);
    expect((await kit.client.getFileStatus('/t/a/b/empty')).modificationTime).toBe(new Date(2020, 0, 2, 3, 4, 5).getTime());
    expect((await kit.fs('-touch', '-t', 'bogus', '/t/a.txt')).err.split(' (usage: ')[0]).toBe(
      'loom fs -touch: Unable to parse the specified timestamp bogus. The expected format is yyyyMMdd:HHmmss',
    );
  });
});

describe('loom fs -mkdir, -rm, -rmdir', () => {
  it('report what Hadoop reports, with the fully qualified parent', async () => {
    expect((await kit.fs('-mkdir', '/t/a')).err).toBe("loom fs -mkdir: `/t/a': File exists\n");
    expect((await kit.fs('-mkdir', '/t/x/y')).err).toBe(
      `loom fs -mkdir: \`${kit.fsUri}/t/x': No such file or directory (use -p to create parent directories)\n`,
    );
    expect((await kit.fs('-mkdir', '/t/a.txt/y')).err).toBe('loom fs -mkdir: /t/a.txt (is not a directory)\n');
    expect((await kit.fs('-mkdir', '-p', '/t/a.txt')).err).toBe("loom fs -mkdir: `/t/a.txt': Is not a directory\n");
    expect((await kit.fs('-mkdir', '-p', '/t/a/')).code).toBe(0);
    expect((await kit.fs('-rm', '/t/a')).err).toBe("loom fs -rm: `/t/a': Is a directory (use -r to delete a directory and its contents)\n");
    expect(await kit.fs('-rm', '-f', '/t/nothere', '/t/nomatch*')).toEqual({ code: 0, out: '', err: '' });
    expect(await kit.fs('-rm', '-r', '/t/tree', '/t/nothere')).toEqual({
      code: 1,
      out: 'Deleted /t/tree\n',
      err: "loom fs -rm: `/t/nothere': No such file or directory\n",
    });
    expect((await kit.fs('-rmdir', '/t/a')).err).toBe("loom fs -rmdir: `/t/a': Directory is not empty\n");
    expect((await kit.fs('-rmdir', '--ignore-fail-on-non-empty', '/t/a')).code).toBe(0);
    expect((await kit.fs('-rmdir', '/t/a.txt')).err).toBe("loom fs -rmdir: `/t/a.txt': Is not a directory\n");
  });

  it('-rm moves to the trash when fs.trash.interval is set, and -skipTrash deletes', async () => {
    const moved = await kit.fs('-D', 'fs.trash.interval=1', '-rm', '-r', '/t/tree');
    expect(moved).toEqual({
      code: 0,
      out: '',
      err: `Moved: '${kit.fsUri}/t/tree' to trash at: ${kit.fsUri}/user/root/.Trash/Current/t/tree\n`,
    });
    expect((await kit.fs('-ls', '-C', '-R', '/user/root/.Trash')).out).toBe(
      lines(
        '/user/root/.Trash/Current',
        '/user/root/.Trash/Current/t',
        '/user/root/.Trash/Current/t/tree',
        '/user/root/.Trash/Current/t/tree/sub',
        '/user/root/.Trash/Current/t/tree/sub/c.bin',
      ),
    );
    expect((await kit.fs('-stat', '%a', '/user/root/.Trash/Current/t')).out).toBe('700\n');
    // The same name again gets a timestamp; what is in the trash is deleted for good.
    await kit.client.mkdirs('/t/tree');
    expect((await kit.fs('-D', 'fs.trash.interval=1', '-rm', '-r', '/t/tree')).err).toMatch(
      /to trash at: \S+\/user\/root\/\.Trash\/Current\/t\/tree\d{13}\n$/,
    );
    expect((await kit.fs('-D', 'fs.trash.interval=1', '-rm', '-r', '/user/root/.Trash/Current/t')).out).toBe(
      'Deleted /user/root/.Trash/Current/t\n',
    );
    expect(await kit.fs('-D', 'fs.trash.interval=1', '-rm', '-skipTrash', '/t/a.txt')).toEqual({
      code: 0,
      out: 'Deleted /t/a.txt\n',
      err: '',
    });
  });
});

describe('loom fs -put, -get, -cp, -mv', () => {
  it('-put -f replaces the file with the new bytes (rename2 OVERWRITE on the mini cluster too)', async () => {
    await kit.put('/t/same', 'old!!');
    expect((await kit.fs('-put', '-f', join(kit.local, 'a.txt'), '/t/same')).code).toBe(0);
    expect((await kit.fs('-cat', '/t/same')).out).toBe('hello');
    expect((await kit.fs('-ls', '-C', '/t')).out).not.toContain('_COPYING_');
  });

  it('copies directories whole, into an existing directory or as a new name', async () => {
    expect((await kit.fs('-put', join(kit.local, 'tree'), '/t/tree3')).code).toBe(0);
    expect((await kit.fs('-ls', '-C', '-R', '/t/tree3')).out).toBe(lines('/t/tree3/sub', '/t/tree3/sub/c.bin'));
    expect((await kit.fs('-cp', '/t/tree', '/t/tree3')).code).toBe(0);
    expect((await kit.fs('-ls', '-C', '-R', '/t/tree3')).out).toBe(
      lines('/t/tree3/sub', '/t/tree3/sub/c.bin', '/t/tree3/tree', '/t/tree3/tree/sub', '/t/tree3/tree/sub/c.bin'),
    );
    expect((await kit.fs('-cp', '/t/tree3', '/t/tree3/sub')).err).toBe(
      "loom fs -cp: `/t/tree3' to `/t/tree3/sub/tree3': is a subdirectory of itself\n",
    );
    expect((await kit.fs('-mv', '/t/a', '/t/a/b')).err).toBe("loom fs -mv: `/t/a' to `/t/a/b/a': is a subdirectory of itself\n");
    expect((await kit.fs('-get', '/t/tree', join(kit.local, 'got'))).code).toBe(0);
    expect(await readFile(join(kit.local, 'got', 'sub', 'c.bin'), 'utf8')).toBe('z'.repeat(2000));
    expect((await kit.fs('-get', '/t/a.txt', kit.local)).err).toBe(
      `loom fs -get: \`${join(kit.local, 'a.txt')}': File exists (use -f to overwrite)\n`,
    );
  });

  it('-put - reads standard input; -appendToFile appends', async () => {
    const { Readable } = await import('node:stream');
    expect((await kit.fsWith({ stdin: Readable.from([Buffer.from('from stdin\n')]) }, '-put', '-', '/t/in.txt')).code).toBe(0);
    expect((await kit.fs('-appendToFile', join(kit.local, 'a.txt'), '/t/in.txt')).code).toBe(0);
    expect((await kit.fs('-cat', '/t/in.txt')).out).toBe('from stdin\nhello');
  });
});

describe('loom fs refuses what it does not know, by name', () => {
  it('an unknown flag of every command: "Illegal option", the usage, exit 255, nothing done', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const r = await kit.fs(`-${name}`, '-Z', '/t/a.txt', '/t/zz');
      expect(r.code, name).toBe(255);
      const first =
        name === 'chmod' ? "loom fs -chmod: chmod : mode '-Z' does not match the expected pattern." : `loom fs -${name}: Illegal option -Z`;
      expect(r.err, name).toBe(`${first} (usage: loom fs -usage -${name})\n`);
    }
    expect((await kit.fs('-test', '-e', '/t/zz')).code).toBe(1);
    // Options are whole words, as in Hadoop: -rf is not -r -f.
    expect((await kit.fs('-rm', '-rf', '/t/a')).err.split(' (usage: ')[0]).toBe('loom fs -rm: Illegal option -rf');
    expect((await kit.fs('-test', '-d', '/t/a')).code).toBe(0);
  });

  it("Hadoop's flags that loom fs does not implement are refused by name, not ignored", async () => {
    const cases = [
      ['-put', '-l', join(kit.local, 'a.txt'), '/t/l'],
      ['-put', '-t', '4', join(kit.local, 'a.txt'), '/t/l'],
      ['-get', '-crc', '/t/a.txt', join(kit.local, 'x')],
      ['-count', '-t', '/t'],
      ['-setrep', '-w', '1', '/t/a.txt'],
      ['-rm', '-safely', '/t/a.txt'],
      ['-cp', '-pa', '/t/a.txt', '/t/l'],
      ['-appendToFile', '-n', join(kit.local, 'a.txt'), '/t/l'],
    ];
    for (const args of cases) {
      const r = await kit.fs(...args);
      expect(r.code, args.join(' ')).toBe(255);
      expect(r.err.split(' (usage: ')[0], args.join(' ')).toMatch(
        new RegExp(`^loom fs ${args[0]}: -\\S+ is not supported by loom fs ${args[0]} \\(.+\\)$`),
      );
    }
    expect((await kit.fs('-test', '-e', '/t/l')).code).toBe(1);
    expect((await kit.fs('-test', '-e', '/t/a.txt')).code).toBe(0);
  });

  it('unknown commands, and hdfs dfs commands loom fs does not have, are named', async () => {
    expect(await kit.fs('-frob')).toEqual({
      code: 255,
      out: '',
      err: 'loom fs: -frob: Unknown command (loom fs -help lists the commands)\n',
    });
    expect((await kit.fs('-lsr', '/t')).err).toBe(
      'loom fs: -lsr: Unknown command (an hdfs dfs command loom fs does not have: use -ls -R; loom fs -help lists the ones it has)\n',
    );
    expect((await kit.fs('ls', '/t')).err).toBe('loom fs: ls: Unknown command (did you mean -ls? Commands begin with a dash)\n');
    expect((await kit.fs('-mkdir')).err).toBe(
      'loom fs -mkdir: Not enough arguments: expected 1 but got 0 (usage: loom fs -usage -mkdir)\n',
    );
    expect((await kit.fs('-tail', '/t/a.txt', '/t/a.txt')).err.split(' (usage: ')[0]).toBe(
      'loom fs -tail: Too many arguments: expected 1 but got 2',
    );
  });
});
