import { describe, expect, it } from 'vitest';
import { containerUser, hadoopUser } from '../../../../client/wire/security/hadoop-user.js';

const os = () => 'os-user';

describe('hadoopUser (a client, as UserGroupInformation)', () => {
  it('takes HADOOP_USER_NAME first, then the OS user', () => {
    expect(hadoopUser({ HADOOP_USER_NAME: 'alice', USER: 'bob' }, os)).toBe('alice');
    expect(hadoopUser({ USER: 'bob' }, os)).toBe('os-user');
    expect(hadoopUser({}, os)).toBe('os-user');
  });

  it('counts an empty or blank HADOOP_USER_NAME as unset, and trims a set one', () => {
    expect(hadoopUser({ HADOOP_USER_NAME: '' }, os)).toBe('os-user');
    expect(hadoopUser({ HADOOP_USER_NAME: '  ' }, os)).toBe('os-user');
    expect(hadoopUser({ HADOOP_USER_NAME: ' alice ' }, os)).toBe('alice');
  });

  it("asks the OS when nothing is given (this process's user)", () => {
    expect(hadoopUser({})).toMatch(/\S/);
  });
});

describe('containerUser (a process YARN started)', () => {
  it("takes HADOOP_USER_NAME first, then the NodeManager's USER, else nothing", () => {
    expect(containerUser({ HADOOP_USER_NAME: 'alice', USER: 'yarn' })).toBe('alice');
    expect(containerUser({ USER: 'bob' })).toBe('bob');
    expect(containerUser({})).toBeUndefined();
  });

  it('counts empty or blank values as unset', () => {
    expect(containerUser({ HADOOP_USER_NAME: '', USER: 'bob' })).toBe('bob');
    expect(containerUser({ HADOOP_USER_NAME: ' ', USER: ' ' })).toBeUndefined();
  });
});
