// The command line's grammar, help screens and usage errors. Hand-written rather than a parsing
// library: loading commander (and the child_process module it requires) was the largest part of
// the CLI's fixed cost at every start, and Node's util.parseArgs reads some spellings differently
// from how this CLI has always read them (it splits `-xr` into `-x -r` and takes the next
// argument as -r's value; it refuses `--room -x`). So the rules below are the ones the CLI
// documents and its tests check, spelled out: `--opt v`, `--opt=v`, `-o v`, `-ov`; an option
// that takes a value takes the next argument whatever it looks like; options and the operand may
// come in any order; `--` ends the options; `-v`/`--version` anywhere before `--` prints the
// version; `-h`/`--help` anywhere shows the help of the command it follows.

/** An option of a command. */
export interface OptionSpec {
  /** `-k`; a single letter after one dash. */
  readonly short?: string;
  /** `--key`. */
  readonly long: string;
  /** The name of its value in help (`key` for `<key>`); absent for a flag. */
  readonly value?: string;
  readonly description: string;
  /** Shown as `(default: ...)` after the description. */
  readonly defaultNote?: string;
  /** Every use adds a value (a list) instead of replacing the last. */
  readonly repeatable?: boolean;
  /** The command refuses to run without it. */
  readonly mandatory?: boolean;
}

/** A command: its help and its grammar. */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  /** Its one operand, always required (`<jwt>`); absent for commands that take none. */
  readonly operand?: { readonly name: string; readonly description: string };
  readonly options: readonly OptionSpec[];
  /** Text shown after the generated help: details and examples. */
  readonly helpAfter: string;
}

/** The whole program: its name, version and commands, and the text after the top-level help. */
export interface ProgramSpec {
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly commands: readonly CommandSpec[];
  readonly helpAfter: string;
}

/** The value of each option given, by long name without dashes; lists for repeatable options. */
export type OptionValues = Record<string, string | string[] | true | undefined>;

/** What the command line asks for. */
export type Invocation =
  | { readonly kind: 'version' }
  /** Help of a command, or of the program (command undefined); `error`: shown for a usage error, on stderr. */
  | { readonly kind: 'help'; readonly command?: CommandSpec; readonly error: boolean }
  /** A usage error: the message (one line, may hold `\n` for a suggestion), then a hint to add --help. */
  | { readonly kind: 'usage-error'; readonly message: string }
  | { readonly kind: 'command'; readonly command: CommandSpec; readonly operand: string | undefined; readonly options: OptionValues };

const VERSION_OPTION: OptionSpec = { short: '-v', long: '--version', description: 'print the version' };
const HELP_OPTION: OptionSpec = { short: '-h', long: '--help', description: 'show help' };

/** Looks like an option: a dash and at least one more character (`-` alone is an operand, stdin). */
function optionLike(arg: string): boolean {
  return arg.length > 1 && arg[0] === '-';
}

/** A negative number is an operand, not an option (no option of this CLI is a digit). */
function negativeNumber(arg: string): boolean {
  return /^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(arg);
}

function isHelp(arg: string): boolean {
  return arg === HELP_OPTION.short || arg === HELP_OPTION.long;
}

/** `-v`, `--version`, or a group of short options that starts with `v` (`-vh`). */
function isVersion(arg: string): boolean {
  return arg === VERSION_OPTION.long || (arg.startsWith(VERSION_OPTION.short!) && !arg.startsWith('--'));
}

function flagsOf(option: OptionSpec): string {
  const names = option.short ? `${option.short}, ${option.long}` : option.long;
  return option.value === undefined ? names : `${names} <${option.value}>`;
}

/**
 * Reads the arguments (without `node` and the script). Never throws: a mistake is a `usage-error`.
 * The order of checks is the CLI's contract: version first, then a missing option value (as soon
 * as it is met), then help, then the command, a missing mandatory option, unknown options, and
 * the operand count.
 */
export function parseCommandLine(program: ProgramSpec, argv: readonly string[]): Invocation {
  // Top level: the leading operands name the command; the rest belongs to it.
  let end = argv.indexOf('--');
  if (end < 0) end = argv.length;
  for (let i = 0; i < end; i++) if (isVersion(argv[i]!)) return { kind: 'version' };
  const operands: string[] = [];
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (optionLike(arg)) {
      rest = argv.slice(i);
      break;
    }
    operands.push(arg);
  }
  const command = program.commands.find((candidate) => candidate.name === operands[0]);
  if (!command) {
    if (rest.some(isHelp)) return { kind: 'help', error: false };
    if (operands.length > 0) {
      const suggestion = suggestSimilar(
        operands[0]!,
        program.commands.map((candidate) => candidate.name),
      );
      return { kind: 'usage-error', message: `error: unknown command '${operands[0]}'${suggestion}` };
    }
    if (rest.length > 0) return unknownOption(rest[0]!, [VERSION_OPTION, HELP_OPTION]);
    return { kind: 'help', error: true };
  }
  return parseCommand(command, operands.slice(1), rest);
}

function parseCommand(command: CommandSpec, leading: string[], args: readonly string[]): Invocation {
  const operands = [...leading];
  const unknown: string[] = [];
  const values: OptionValues = Object.create(null) as OptionValues;
  for (const option of command.options) if (option.repeatable) values[nameOf(option)] = [];
  const set = (option: OptionSpec, value: string | true): void => {
    const name = nameOf(option);
    if (option.repeatable) (values[name] as string[]).push(value as string);
    else values[name] = value;
  };
  // After the first unknown option, every further argument is kept for the error (known options still count).
  let dest = operands;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      if (dest === unknown) dest.push(arg);
      dest.push(...args.slice(i + 1));
      break;
    }
    if (optionLike(arg)) {
      const exact = command.options.find((option) => option.short === arg || option.long === arg);
      if (exact) {
        if (exact.value === undefined) {
          set(exact, true);
          continue;
        }
        // A value is the next argument, whatever it looks like (`--room -x` names a room '-x').
        if (i + 1 >= args.length) return { kind: 'usage-error', message: `error: option '${flagsOf(exact)}' argument missing` };
        set(exact, args[++i]!);
        continue;
      }
      if (arg[1] !== '-') {
        // `-kVALUE`: a short option with its value attached (every short option here takes one).
        const short = command.options.find((option) => option.short === arg.slice(0, 2));
        if (short?.value !== undefined) {
          set(short, arg.slice(2));
          continue;
        }
      } else {
        const equals = arg.indexOf('=');
        const long = equals > 2 ? command.options.find((option) => option.long === arg.slice(0, equals)) : undefined;
        if (long?.value !== undefined) {
          set(long, arg.slice(equals + 1));
          continue;
        }
      }
      if (dest === operands && !negativeNumber(arg)) dest = unknown;
    }
    dest.push(arg);
  }
  if (unknown.some(isHelp)) return { kind: 'help', command, error: false };
  const missing = command.options.find((option) => option.mandatory && values[nameOf(option)] === undefined);
  if (missing) return { kind: 'usage-error', message: `error: required option '${flagsOf(missing)}' not specified` };
  if (unknown.length > 0) return unknownOption(unknown[0]!, [...command.options, HELP_OPTION, VERSION_OPTION]);
  if (command.operand && operands.length === 0) return { kind: 'usage-error', message: `error: missing required argument '${command.operand.name}'` };
  const expected = command.operand ? 1 : 0;
  if (operands.length > expected) {
    return {
      kind: 'usage-error',
      message: `error: too many arguments for '${command.name}'. Expected ${expected} argument${expected === 1 ? '' : 's'} but got ${operands.length}.`,
    };
  }
  return { kind: 'command', command, operand: operands[0], options: values };
}

/** `--client-id` -> `clientId`, the key commands read. */
function nameOf(option: OptionSpec): string {
  return option.long.slice(2).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function unknownOption(flag: string, options: readonly OptionSpec[]): Invocation {
  const suggestion = flag.startsWith('--')
    ? suggestSimilar(
        flag,
        options.map((option) => option.long),
      )
    : '';
  return { kind: 'usage-error', message: `error: unknown option '${flag}'${suggestion}` };
}

/**
 * Optimal string alignment distance (Levenshtein with transpositions), stopping early when the
 * lengths alone differ by more than 3. The CLI's suggestions have always been computed this way
 * (core's `closestName` ignores case and allows fewer edits, which would change them).
 */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.max(a.length, b.length);
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d[i] = [i];
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let j = 1; j <= b.length; j++) {
    for (let i = 1; i <= a.length; i++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** `\n(Did you mean inspect?)` for a name within 3 edits and 40% similar; '' when none is. */
export function suggestSimilar(word: string, candidates: readonly string[]): string {
  const options = word.startsWith('--');
  const input = options ? word.slice(2) : word;
  let similar: string[] = [];
  let bestDistance = 3;
  for (const candidate of new Set(options ? candidates.map((name) => name.slice(2)) : candidates)) {
    if (candidate.length <= 1) continue;
    const distance = editDistance(input, candidate);
    const length = Math.max(input.length, candidate.length);
    if ((length - distance) / length <= 0.4) continue;
    if (distance < bestDistance) {
      bestDistance = distance;
      similar = [candidate];
    } else if (distance === bestDistance) similar.push(candidate);
  }
  similar.sort((a, b) => a.localeCompare(b));
  if (options) similar = similar.map((name) => `--${name}`);
  if (similar.length > 1) return `\n(Did you mean one of ${similar.join(', ')}?)`;
  return similar.length === 1 ? `\n(Did you mean ${similar[0]}?)` : '';
}

/** Help lines are wrapped to the terminal's width, or 80 columns when not a terminal. */
const DEFAULT_HELP_WIDTH = 80;
/** Narrower than this, a description is left unwrapped. */
const MIN_WIDTH_TO_WRAP = 40;

/** Wraps text at white space to `width`, keeping its own line breaks. */
function wrap(text: string, width: number): string {
  if (width < MIN_WIDTH_TO_WRAP) return text;
  const lines: string[] = [];
  for (const line of text.split(/\r\n|\n/)) {
    const chunks = line.match(/\s*\S+/g);
    if (chunks === null) {
      lines.push('');
      continue;
    }
    let current = chunks[0];
    for (const chunk of chunks.slice(1)) {
      if (current.length + chunk.length <= width) current += chunk;
      else {
        lines.push(current);
        current = chunk.trimStart();
      }
    }
    lines.push(current);
  }
  return lines.join('\n');
}

/** One `term  description` line of a help list, the description wrapped and aligned. */
function item(term: string, termWidth: number, description: string, width: number): string {
  const remaining = width - termWidth - 4;
  const body = remaining < MIN_WIDTH_TO_WRAP ? description : wrap(description, remaining).replace(/\n/g, `\n${' '.repeat(termWidth + 2)}`);
  return `  ${term.padEnd(termWidth)}  ${body.replace(/\n/g, '\n  ')}`;
}

function optionDescription(option: OptionSpec): string {
  return option.defaultNote === undefined ? option.description : `${option.description} (default: ${option.defaultNote})`;
}

/** The help of the program (command undefined) or of one command, for a terminal `columns` wide. */
export function formatHelp(program: ProgramSpec, command: CommandSpec | undefined, columns: number | undefined): string {
  const width = columns ?? DEFAULT_HELP_WIDTH;
  const options = command ? [...command.options, HELP_OPTION] : [VERSION_OPTION, HELP_OPTION];
  const commandTerm = (spec: CommandSpec) => `${spec.name} [options]${spec.operand ? ` <${spec.operand.name}>` : ''}`;
  const sections: Array<[string, Array<[string, string]>]> = [
    ['Arguments:', command?.operand ? [[command.operand.name, command.operand.description]] : []],
    ['Options:', options.map((option) => [flagsOf(option), optionDescription(option)])],
    ['Commands:', command ? [] : program.commands.map((spec) => [commandTerm(spec), spec.description])],
  ];
  const termWidth = Math.max(0, ...sections.flatMap(([, items]) => items.map(([term]) => term.length)));
  const usage = command ? `${program.name} ${commandTerm(command)}` : `${program.name} [options] [command]`;
  const lines = [`Usage: ${usage}`, '', wrap(command ? command.description : program.description, width), ''];
  for (const [title, items] of sections) {
    if (items.length === 0) continue;
    lines.push(title, ...items.map(([term, description]) => item(term, termWidth, description, width)), '');
  }
  return `${lines.join('\n')}${command ? command.helpAfter : program.helpAfter}\n`;
}
