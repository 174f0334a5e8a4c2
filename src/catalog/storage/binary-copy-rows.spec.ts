import { BinaryCopyRows } from './binary-copy-rows';

describe('BinaryCopyRows', () => {
  it('writes a row as its field count, then each field as its length and its big-endian bytes', () => {
    const rows = new BinaryCopyRows(8); // small, so the buffer has to grow
    rows.row(6);
    rows.null();
    rows.int4(-2);
    rows.float8(0.5);
    rows.bool(true);
    rows.text('Bjö');
    rows.textArray(['a', 'bc']);
    expect(rows.take().toString('hex')).toBe(
      [
        '0006',
        'ffffffff',
        '00000004fffffffe',
        '000000083fe0000000000000',
        '0000000101',
        '00000004426ac3b6',
        // 1 dimension, no nulls, text (OID 25), 2 elements from 1, then each element
        '0000001f' + '00000001' + '00000000' + '00000019' + '00000002' + '00000001',
        '0000000161' + '000000026263',
      ].join(''),
    );
  });

  it('writes an empty array without a dimension, and starts a new buffer after take()', () => {
    const rows = new BinaryCopyRows();
    rows.textArray([]);
    expect(rows.take().toString('hex')).toBe('0000000c' + '00000000' + '00000000' + '00000019');
    expect(rows.take()).toHaveLength(0);
  });

  it('refuses what is no integer, as PostgreSQL refuses it in an integer column', () => {
    const rows = new BinaryCopyRows();
    expect(() => rows.int4(1.5)).toThrow(RangeError);
    expect(() => rows.int4(2 ** 31)).toThrow(RangeError);
  });

  it('begins with the signature and no flags, and ends with a field count of -1', () => {
    expect(BinaryCopyRows.HEADER.toString('hex')).toBe('5047434f50590aff0d0a00' + '0'.repeat(16));
    expect(BinaryCopyRows.TRAILER.toString('hex')).toBe('ffff');
  });
});
