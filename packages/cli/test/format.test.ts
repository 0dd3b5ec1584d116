import { displayWidth, renderTable, tableWidth } from '../src/format';

// renderTable checks all cells at once for characters to escape and for surrogate pairs, and
// measures each cell by its code points: these pin the layout in the cases that take the slow path.

describe('renderTable', () => {
  it('aligns plain cells by their length', () => {
    expect(
      renderTable([
        ['lobby', 'send, receive'],
        ['dms:alice:*', 'history'],
      ]),
    ).toEqual(['  lobby        send, receive', '  dms:alice:*  history']);
  });

  it('counts a surrogate pair as one column, as a terminal shows it', () => {
    // 'r' + one emoji is 2 columns: padded to 'abc' (3) with one space, then the two of the separator.
    expect(
      renderTable(
        [
          ['r\u{1F600}', 'x'],
          ['abc', 'y'],
        ],
        '',
      ),
    ).toEqual(['r\u{1F600}   x', 'abc  y']);
    expect(displayWidth('a\u{E0041}b')).toBe(3);
    expect(displayWidth('a\ud800b')).toBe(3); // a lone surrogate is one character, as [...text] counts it
  });

  it('escapes cells that need it and aligns by the escaped text', () => {
    expect(
      renderTable(
        [
          ['a\u001b[2Kb', 'x'],
          ['c', 'y'],
        ],
        '',
      ),
    ).toEqual(['a\\u001b[2Kb  x', 'c            y']);
    // Only the cells with such characters change; a tag character is escaped as two UTF-16 escapes.
    expect(
      renderTable(
        [
          ['t\u{E0041}', 'ok'],
          ['\u{1F600}', 'ok'],
        ],
        '',
      ),
    ).toEqual(['t\\udb40\\udc41  ok', `\u{1F600}${' '.repeat(14)}ok`]);
  });

  it('paints padded cells and trims the end of each line', () => {
    const paint = (text: string) => `<${text}>`;
    expect(
      renderTable(
        [
          [{ text: 'a', paint }, 'b '],
          [{ text: 'ccc', paint }, ''],
        ],
        '',
      ),
    ).toEqual(['<a  >  b', '<ccc>']);
    expect(tableWidth(['\u001b[1mab\u001b[22m  \u{1F600}'])).toBe(5);
  });
});
