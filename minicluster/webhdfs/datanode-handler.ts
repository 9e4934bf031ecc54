/**
 * The DataNode role of WebHDFS: the second step of CREATE/APPEND/OPEN/GETFILECHECKSUM. As the
 * recordings show, it answers `100 Continue` to every PUT/POST carrying a body even without
 * `Expect`, and only then runs the NameNode-side checks (permission, file exists), so those
 * errors arrive after the 100. Uploads stream to disk chunk by chunk. Each step takes as long as
 * on a real DataNode (hdfs-latency.ts): the file exists empty and under construction from the
 * start of CREATE, gets its bytes after the write pipeline's set-up, and is complete only just
 * before the answer. An upload cut short is completed with the bytes that arrived, as on HDFS
 * (writeAndComplete).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { computeFileChecksum } from './file-checksum.js';
import { asHdfsError, illegalArgument } from './hdfs-errors.js';
import { dataNodeError, dataNodeJson, dataNodeReply } from './http-replies.js';
import type { Inode } from './namespace.js';
import { checkServiceState, effectiveUser, encodePath, webHdfsPath, type WebHdfsContext } from './webhdfs-context.js';
import { WebHdfsParams } from './webhdfs-params.js';

const DATANODE_OPS: Record<string, string> = { CREATE: 'PUT', APPEND: 'POST', OPEN: 'GET', GETFILECHECKSUM: 'GET' };

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

export async function handleDataNodeRequest(ctx: WebHdfsContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  if ((method === 'PUT' || method === 'POST') && hasBody(req)) res.writeContinue();
  let op = 'request';
  try {
    const url = new URL(req.url ?? '/', 'http://datanode');
    const path = webHdfsPath(url.pathname);
    if (path === undefined) {
      throw illegalArgument(`${url.pathname} is not a WebHDFS path: use /webhdfs/v1/<absolute path>?op=...`);
    }
    const params = new WebHdfsParams(url.searchParams);
    op = params.op(method);
    if (DATANODE_OPS[op] !== method) throw illegalArgument(`Invalid operation ${op}`);
    if (!params.has('namenoderpcaddress')) {
      throw illegalArgument(
        "Namenode RPC address is not specified: follow the NameNode's redirect instead of calling the DataNode directly",
      );
    }
    checkServiceState(ctx, op, path);
    const user = effectiveUser(ctx, params);
    await runOp(ctx, req, res, op, path, user, params);
  } catch (err) {
    req.resume();
    // The check that failed was the DataNode's NameNode call (startFile, append, getBlockLocations).
    await ctx.latency.wait('namenode-read');
    if (!res.headersSent && !res.destroyed) dataNodeError(res, asHdfsError(err), op);
    else res.destroy();
  }
}

async function runOp(
  ctx: WebHdfsContext,
  req: IncomingMessage,
  res: ServerResponse,
  op: string,
  path: string,
  user: string,
  p: WebHdfsParams,
): Promise<void> {
  const { ns } = ctx;
  switch (op) {
    case 'CREATE': {
      const inode = ns.createFile(user, path, {
        overwrite: p.boolean('overwrite') ?? false,
        createParent: p.boolean('createparent') ?? true,
        permission: p.permission(),
        replication: p.short('replication'),
        blockSize: p.long('blocksize', 1),
        clientAddress: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
      });
      await writeAndComplete(ctx, inode, req, 'create');
      dataNodeReply(res, 201, [
        ['Location', `hdfs://${ctx.nameNodeRpcAddress}${encodePath(path)}`],
        ['Access-Control-Allow-Origin', '*'],
      ]);
      return;
    }
    case 'APPEND': {
      const inode = ns.fileForAppend(user, path);
      await writeAndComplete(ctx, inode, req, 'append');
      dataNodeReply(res, 200, []);
      return;
    }
    case 'OPEN': {
      const inode = ns.fileForRead(user, path);
      const { stream, length } = ns.readStream(inode, p.long('offset', 0) ?? 0, p.long('length', 0));
      await ctx.latency.wait('datanode-read');
      res.statusCode = 200;
      res.setHeader('Access-Control-Allow-Methods', 'GET');
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Connection', 'close');
      res.setHeader('Content-Length', String(length));
      await pipeline(stream, res).catch(() => res.destroy()); // a reader that goes away just ends the stream
      return;
    }
    case 'GETFILECHECKSUM': {
      const inode = ns.fileForRead(user, path);
      const checksum = await computeFileChecksum(ns.blockFile(inode), inode.length, inode.blockSize);
      await ctx.latency.wait('datanode-read');
      dataNodeJson(res, 200, JSON.stringify({ FileChecksum: checksum }));
      return;
    }
  }
}

/**
 * The body of a CREATE/APPEND into a file already under construction: the write pipeline's
 * set-up, the bytes, then completeFile (fast, or the client's retry 400 ms later). An upload that
 * does not reach its end (the client went away, the body is short of its Content-Length) is
 * completed at once with the bytes that arrived: real WebHDFS closes the DataNode's output stream
 * when the client's channel goes inactive (HdfsWriter.channelInactive), which completes the file.
 * Measured on Hadoop 3.3.6 (Content-Length 99999999999, 3 bytes, socket destroyed): CREATE leaves
 * a complete 3-byte file, an overwriting CREATE replaces the old content with the 3 bytes, APPEND
 * keeps the 3 bytes after the old content; the lease is free for the next writer. Writers that must
 * never leave a short file under its final name (Loom's) write a temporary name and rename it.
 */
async function writeAndComplete(ctx: WebHdfsContext, inode: Inode, req: IncomingMessage, mode: 'create' | 'append'): Promise<void> {
  try {
    await ctx.latency.wait('write-pipeline');
    await ctx.ns.writeFrom(inode, req, mode);
  } catch (err) {
    ctx.ns.completeFile(inode);
    throw err;
  }
  await ctx.latency.wait('write-completion');
  ctx.ns.completeFile(inode);
}
