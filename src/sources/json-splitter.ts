/**
 * A streaming splitter for CloudTrail JSON: it finds where each record
 * starts and ends in a byte stream without parsing the whole document, so a
 * log file of any size is read with memory for one record at a time.
 *
 * The stream is a sequence of top-level JSON objects (one for a CloudTrail
 * log file, one per line for JSON Lines, several for concatenated files).
 * For a top-level object with a `Records` or `Events` array, each element of
 * that array is handed out on its own; any other top-level object is handed
 * out whole. The splitter only tracks strings, escapes and nesting depth; the
 * bytes it hands out are checked by JSON.parse, and the structure around
 * them (keys, colons, commas, brackets) is checked here, so every byte of the
 * input is validated once.
 *
 * Works on bytes: every structural character of JSON is ASCII, and no byte of
 * a multi-byte UTF-8 sequence is below 0x80, so a chunk may end anywhere,
 * even inside a character.
 */

/** Which array an element came from, or `object` for a top-level object that is not a log document. */
export type ValueKind = 'Records' | 'Events' | 'object';

export type ValueHandler = (kind: ValueKind, bytes: Buffer, offset: number) => void;

/** Malformed input: `offset` is the byte (of the decoded stream) where the problem was found. */
export class SplitError extends Error {
  override readonly name = 'SplitError';
  constructor(
    readonly problem: string,
    /** null when the problem is the stream as a whole. */
    readonly offset: number | null,
  ) {
    super(offset === null ? problem : `${problem} at byte ${offset}`);
  }
}

/** One record larger than this is not CloudTrail (its records are at most a few hundred KiB); stops unbounded buffering. */
const MAX_VALUE_BYTES = 64 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

// Byte classes for the value scanner: one table lookup per byte instead of a chain of comparisons.
const PLAIN = 0;
const OPEN = 1;
const CLOSE = 2;
const STRING = 3;
const DELIMITER = 4; // ends a bare scalar (number, true, false, null)
const SPACE = 5;
const CLASS = new Uint8Array(256);
CLASS[LBRACE] = OPEN;
CLASS[LBRACKET] = OPEN;
CLASS[RBRACE] = CLOSE;
CLASS[RBRACKET] = CLOSE;
CLASS[QUOTE] = STRING;
CLASS[COMMA] = DELIMITER;
for (const space of [0x20, 0x09, 0x0a, 0x0d]) CLASS[space] = SPACE;

const isSpace = (byte: number): boolean => CLASS[byte] === SPACE;

/** Where the splitter is in the document structure. */
const enum State {
  /** Between top-level values. */
  Top,
  /** After a top-level `{`: a key or `}`. */
  KeyOrEnd,
  /** After a `,` in a top-level object: a key. */
  Key,
  /** Inside a top-level key string. */
  KeyString,
  Colon,
  /** The value of a top-level key. */
  MemberValue,
  /** Inside a top-level member's value. */
  InMemberValue,
  /** After a member value: `,` or `}`. */
  AfterMember,
  /** After `[` of Records/Events: an element or `]`. */
  ElementOrEnd,
  /** After a `,` between elements: an element. */
  Element,
  /** Inside an element. */
  InElement,
  /** After an element: `,` or `]`. */
  AfterElement,
}

// Keys are read byte by byte only at the top level; Records/Events (even
// spelled with \u escapes) never need more than this.
const MAX_KEY_BYTES = 64;

export class CloudTrailJsonSplitter {
  private state = State.Top;
  /** Offset in the whole stream of the current chunk's first byte. */
  private chunkOffset = 0;

  // The value scanner's state, kept across chunks.
  private depth = 0;
  private inString = false;
  /** A backslash ended the last chunk: the next byte is escaped. */
  private escapePending = false;
  private scalar = false;

  // The bytes being captured (a top-level object, an element, or a member of a log document).
  private capturing = false;
  private captureStart = 0;
  private captureOffset = 0;
  private capturedBefore: Buffer[] = [];
  private capturedBeforeBytes = 0;

  // The current top-level object.
  private key: number[] = [];
  private keyEscaped = false;
  /** The array of the current log document being read, once its key was seen. */
  private arrayKind: ValueKind | null = null;
  /** Whether the current top-level object has a Records/Events array (it is a log document, not a record). */
  private isLogDocument = false;
  /** Whether the stream held any top-level value at all (an empty file is an error, not a clean scan). */
  private sawValue = false;

  constructor(private readonly onValue: ValueHandler) {}

  /** Feeds the next chunk; throws SplitError on malformed input. */
  write(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    if (this.capturing) this.captureStart = 0;
    while (i < n) {
      switch (this.state) {
        case State.Top: {
          i = this.skipSpace(chunk, i, n);
          if (i === n) break;
          if (chunk[i] !== LBRACE) throw this.error(notAnObject(chunk[i]!), i);
          this.startCapture(i);
          this.isLogDocument = false;
          this.sawValue = true;
          this.state = State.KeyOrEnd;
          i += 1;
          break;
        }
        case State.KeyOrEnd:
        case State.Key: {
          i = this.skipSpace(chunk, i, n);
          if (i === n) break;
          const byte = chunk[i]!;
          if (byte === QUOTE) {
            this.key = [];
            this.keyEscaped = false;
            this.state = State.KeyString;
          } else if (byte === RBRACE && this.state === State.KeyOrEnd) {
            this.endTopLevelObject(chunk, i + 1);
          } else {
            throw this.error(`expected a key${this.state === State.KeyOrEnd ? ' or }' : ''}, found ${describeByte(byte)}`, i);
          }
          i += 1;
          break;
        }
        case State.KeyString: {
          i = this.readKey(chunk, i, n);
          break;
        }
        case State.Colon: {
          i = this.skipSpace(chunk, i, n);
          if (i === n) break;
          if (chunk[i] !== COLON) throw this.error(`expected : after a key, found ${describeByte(chunk[i]!)}`, i);
          this.state = State.MemberValue;
          i += 1;
          break;
        }
        case State.MemberValue: {
          i = this.skipSpace(chunk, i, n);
          if (i === n) break;
          const byte = chunk[i]!;
          const kind = this.keyKind();
          if (kind !== null) {
            if (byte !== LBRACKET) throw this.error(`"${kind}" is not an array`, i);
            this.enterLogArray(chunk, i, kind);
            this.state = State.ElementOrEnd;
            i += 1;
            break;
          }
          // Any other member: inside a log document captured on its own to be
          // validated; inside a possible record, part of the record's capture.
          if (this.isLogDocument) this.startCapture(i);
          this.beginValue(byte, i);
          this.state = State.InMemberValue;
          i += 1;
          break;
        }
        case State.InMemberValue: {
          const end = this.scanValue(chunk, i, n);
          if (end < 0) {
            i = n;
            break;
          }
          if (this.isLogDocument) this.validateCapture(chunk, end);
          this.state = State.AfterMember;
          i = end;
          break;
        }
        case State.AfterMember: {
          i = this.skipSpace(chunk, i, n);
          if (i === n) break;
          const byte = chunk[i]!;
          if (byte === COMMA) this.state = State.Key;
          else if (byte === RBRACE) this.endTopLevelObject(chunk, i + 1);
          else throw this.error(`expected , or } after a value, found ${describeByte(byte)}`, i);
          i += 1;
          break;
        }
        case State.ElementOrEnd:
        case State.Element: {
          i = this.skipSpace(chunk, i, n);
          if (i === n) break;
          const byte = chunk[i]!;
          if (byte === RBRACKET && this.state === State.ElementOrEnd) {
            this.state = State.AfterMember;
            i += 1;
            break;
          }
          this.startCapture(i);
          this.beginValue(byte, i);
          this.state = State.InElement;
          i += 1;
          break;
        }
        case State.InElement: {
          const end = this.scanValue(chunk, i, n);
          if (end < 0) {
            i = n;
            break;
          }
          this.onValue(this.arrayKind!, this.takeCapture(chunk, end), this.captureOffset);
          this.state = State.AfterElement;
          i = end;
          break;
        }
        case State.AfterElement: {
          i = this.skipSpace(chunk, i, n);
          if (i === n) break;
          const byte = chunk[i]!;
          if (byte === COMMA) this.state = State.Element;
          else if (byte === RBRACKET) this.state = State.AfterMember;
          else throw this.error(`expected , or ] after a record, found ${describeByte(byte)}`, i);
          i += 1;
          break;
        }
      }
    }
    if (this.capturing) this.keepCapturedTail(chunk);
    this.chunkOffset += n;
  }

  /** Ends the stream; throws SplitError when it stops inside a value, or held no value at all. */
  end(): void {
    if (this.state !== State.Top) throw new SplitError('unexpected end of data (truncated JSON)', this.chunkOffset);
    if (!this.sawValue) throw new SplitError(this.chunkOffset === 0 ? 'empty file' : 'no JSON data, only white space', null);
  }

  private error(problem: string, index: number): SplitError {
    return new SplitError(problem, this.chunkOffset + index);
  }

  private skipSpace(chunk: Buffer, i: number, n: number): number {
    while (i < n && isSpace(chunk[i]!)) i += 1;
    return i;
  }

  private readKey(chunk: Buffer, i: number, n: number): number {
    while (i < n) {
      const byte = chunk[i]!;
      if (this.keyEscaped) {
        this.keyEscaped = false;
      } else if (byte === BACKSLASH) {
        this.keyEscaped = true;
      } else if (byte === QUOTE) {
        this.state = State.Colon;
        return i + 1;
      }
      if (this.key.length <= MAX_KEY_BYTES) this.key.push(byte);
      i += 1;
    }
    return i;
  }

  /** Records or Events when the key just read is one of them. */
  private keyKind(): ValueKind | null {
    const key = this.key;
    if (key.length > MAX_KEY_BYTES) return null;
    let text = String.fromCharCode(...key);
    if (text.includes('\\')) {
      try {
        text = JSON.parse(`"${Buffer.from(key).toString('utf8')}"`) as string;
      } catch {
        return null; // the object's own JSON.parse reports the bad escape
      }
    }
    return text === 'Records' || text === 'Events' ? text : null;
  }

  /**
   * The top-level object is a log document: everything captured so far (its
   * opening and earlier members) is checked now and dropped, so the document
   * itself is never held in memory.
   */
  private enterLogArray(chunk: Buffer, index: number, kind: ValueKind): void {
    if (!this.isLogDocument) {
      const prefix = this.takeCapture(chunk, index);
      try {
        JSON.parse(prefix.toString('utf8') + 'null}');
      } catch {
        throw new SplitError('invalid JSON before the records array', this.captureOffset);
      }
    }
    this.capturing = false;
    this.isLogDocument = true;
    this.arrayKind = kind;
  }

  private endTopLevelObject(chunk: Buffer, end: number): void {
    if (!this.isLogDocument) this.onValue('object', this.takeCapture(chunk, end), this.captureOffset);
    this.capturing = false;
    this.isLogDocument = false;
    this.arrayKind = null;
    this.state = State.Top;
  }

  private validateCapture(chunk: Buffer, end: number): void {
    const bytes = this.takeCapture(chunk, end);
    try {
      JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new SplitError('invalid JSON', this.captureOffset);
    }
  }

  // --- capture: the bytes of one value, possibly spread over several chunks ---

  private startCapture(index: number): void {
    this.capturing = true;
    this.captureStart = index;
    this.captureOffset = this.chunkOffset + index;
    this.capturedBefore = [];
    this.capturedBeforeBytes = 0;
  }

  private takeCapture(chunk: Buffer, end: number): Buffer {
    this.capturing = false;
    const tail = chunk.subarray(this.captureStart, end);
    if (this.capturedBefore.length === 0) return tail;
    const bytes = Buffer.concat([...this.capturedBefore, tail], this.capturedBeforeBytes + tail.length);
    this.capturedBefore = [];
    this.capturedBeforeBytes = 0;
    return bytes;
  }

  private keepCapturedTail(chunk: Buffer): void {
    const tail = chunk.subarray(this.captureStart);
    this.capturedBefore.push(tail);
    this.capturedBeforeBytes += tail.length;
    if (this.capturedBeforeBytes > MAX_VALUE_BYTES) {
      throw new SplitError(`a single value larger than ${MAX_VALUE_BYTES / 1024 / 1024} MiB`, this.captureOffset);
    }
  }

  // --- the value scanner: finds where one JSON value ends ---

  private beginValue(byte: number, index: number): void {
    const kind = CLASS[byte];
    this.escapePending = false;
    if (kind === OPEN) {
      this.depth = 1;
      this.inString = false;
      this.scalar = false;
    } else if (kind === STRING) {
      this.depth = 0;
      this.inString = true;
      this.scalar = false;
    } else if (kind === PLAIN) {
      this.depth = 0;
      this.inString = false;
      this.scalar = true;
    } else {
      throw this.error(`expected a value, found ${describeByte(byte)}`, index);
    }
  }

  /**
   * Scans from `i` for the end of the value begun by beginValue: returns the
   * index just past it (for a bare scalar, the delimiter that ends it), or -1
   * when the chunk ends first. Hot path: one table lookup per byte outside
   * strings, two comparisons per byte inside.
   */
  private scanValue(chunk: Buffer, i: number, n: number): number {
    if (this.scalar) {
      while (i < n) {
        const kind = CLASS[chunk[i]!];
        if (kind === DELIMITER || kind === SPACE || kind === CLOSE) {
          this.scalar = false;
          return i;
        }
        if (kind !== PLAIN) throw this.error(`unexpected ${describeByte(chunk[i]!)} in a value`, i);
        i += 1;
      }
      return -1;
    }
    let depth = this.depth;
    if (this.inString) {
      if (this.escapePending) {
        if (i >= n) return -1;
        i += 1;
        this.escapePending = false;
      }
      i = this.skipString(chunk, i, n);
      if (i < 0) return -1;
      if (depth === 0) return i;
    }
    while (i < n) {
      const kind = CLASS[chunk[i]!];
      i += 1;
      if (kind === PLAIN || kind === SPACE || kind === DELIMITER) continue;
      if (kind === STRING) {
        i = this.skipString(chunk, i, n);
        if (i < 0) {
          this.depth = depth;
          this.inString = true;
          return -1;
        }
      } else if (kind === OPEN) {
        depth += 1;
      } else {
        depth -= 1;
        if (depth === 0) {
          this.depth = 0;
          return i;
        }
      }
    }
    this.depth = depth;
    return -1;
  }

  /** From inside a string, returns the index past its closing quote, or -1 (state kept) when the chunk ends first. */
  private skipString(chunk: Buffer, i: number, n: number): number {
    while (i < n) {
      const byte = chunk[i]!;
      if (byte === QUOTE) {
        this.inString = false;
        return i + 1;
      }
      if (byte === BACKSLASH) {
        if (i + 1 === n) {
          this.inString = true;
          this.escapePending = true;
          return -1;
        }
        i += 2;
      } else {
        i += 1;
      }
    }
    this.inString = true;
    return -1;
  }
}

// What a top-level value that is not an object says about the input.
function notAnObject(byte: number): string {
  const found = byte === LBRACKET ? 'an array' : byte === QUOTE ? 'a string' : /[-0-9tfn]/.test(String.fromCharCode(byte)) ? 'a bare value' : null;
  return found === null
    ? 'invalid JSON'
    : `not a CloudTrail log: ${found} where {"Records":[...]}, {"Events":[...]} or a record was expected`;
}

function describeByte(byte: number): string {
  if (byte === LBRACKET) return 'an array';
  if (byte === QUOTE) return 'a string';
  if (byte >= 0x20 && byte < 0x7f) return `"${String.fromCharCode(byte)}"`;
  return `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
