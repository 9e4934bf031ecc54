// Types for the plain-JavaScript test server beside this file.
export interface FakeFile {
  type: 'FILE' | 'DIRECTORY';
  length: number;
  modificationTime: number;
}
export interface FakeRequest {
  method: string;
  op: string | null;
  path: string;
  datanode: boolean;
  query: string;
}
export class FakeWebHdfsServer {
  constructor(options?: { dropUploadAfterBytes?: number; standby?: boolean });
  files: Map<string, FakeFile>;
  dropUploadAfterBytes: number | undefined;
  standby: boolean;
  requests: FakeRequest[];
  uploadedBytes: number | undefined;
  port: number;
  start(): Promise<this>;
  stop(): Promise<void>;
  addFile(path: string, length: number): void;
}
