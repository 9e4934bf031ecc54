import { describe, expect, it } from 'vitest';
import { decodeDelimited, encodeDelimited } from '../../../../client/wire/codec/protobuf-codec.js';

// The connection-context frame a real Hadoop 3.3.6 client sent to the RM (fixtures README).
const CONTEXT_FRAME =
  '1a08021000180522107c44916a97e54092b2431aed6344fa752801' +
  '4012060a04726f6f741a36' +
  Buffer.from('org.apache.hadoop.yarn.api.ApplicationClientProtocolPB').toString('hex');

describe('RPC header protos', () => {
  it('decode the recorded connection context frame and re-encode it byte for byte', () => {
    const buf = Buffer.from(CONTEXT_FRAME, 'hex');
    const header = decodeDelimited<any>('hadoop.common.RpcRequestHeaderProto', buf, 0);
    expect(header.value.rpcKind).toBe('RPC_PROTOCOL_BUFFER');
    expect(header.value.rpcOp).toBe('RPC_FINAL_PACKET');
    expect(header.value.callId).toBe(-3);
    expect(header.value.retryCount).toBe(-1);
    expect(Buffer.from(header.value.clientId).toString('hex')).toBe('7c44916a97e54092b2431aed6344fa75');
    const ctx = decodeDelimited<any>('hadoop.common.IpcConnectionContextProto', buf, header.next);
    expect(ctx.value).toEqual({ userInfo: { effectiveUser: 'root' }, protocol: 'org.apache.hadoop.yarn.api.ApplicationClientProtocolPB' });
    expect(ctx.next).toBe(buf.length);
    const again = Buffer.concat([
      encodeDelimited('hadoop.common.RpcRequestHeaderProto', header.value),
      encodeDelimited('hadoop.common.IpcConnectionContextProto', ctx.value),
    ]);
    expect(again.toString('hex')).toBe(CONTEXT_FRAME);
  });

  it('decode the response call id as uint32 (-33 arrives as 4294967263)', () => {
    const bytes = Buffer.from('08dfffffff0f1000', 'hex');
    const header = decodeDelimited<any>('hadoop.common.RpcResponseHeaderProto', Buffer.concat([Buffer.from([bytes.length]), bytes]), 0);
    expect(header.value.callId).toBe(4294967263);
    expect(header.value.status).toBe('SUCCESS');
  });
});
