/**
 * The DuckDB functions the type checker knows: how many arguments each takes, what kind each argument
 * must be, and what it returns. A function missing from here is not an error (DuckDB has hundreds);
 * its result is simply of unknown type.
 */
import type { ColumnType } from '../spec/columns.js';

/**
 * What an argument must be. Only clear mismatches are reported against it: a string literal fits
 * anything DuckDB can cast it to, and unknown types fit everything.
 */
export type ArgKind = 'any' | 'numeric' | 'string' | 'temporal' | 'boolean' | 'sequence';

/**
 * The result type: a fixed type; `arg0`/`arg1`, the type of that argument; `common`, the common type of
 * all arguments (coalesce, greatest); `common-after-first`, of all but the first (if); `arithmetic`,
 * the type `%` would give its two arguments.
 */
export type ReturnRule = ColumnType | 'unknown' | 'interval' | 'arg0' | 'arg1' | 'common' | 'common-after-first' | 'arithmetic';

export interface ScalarFunction {
  kind: 'scalar';
  min: number;
  max: number;
  /** Kinds by position; the last one repeats for variadic functions. */
  args: readonly ArgKind[];
  returns: ReturnRule;
}

/** Aggregates and window functions: not allowed where an expression is evaluated row by row. */
export interface GroupFunction {
  kind: 'aggregate' | 'window';
}

export type FunctionInfo = ScalarFunction | GroupFunction;

const CATALOG = new Map<string, FunctionInfo>();

function scalar(names: string, args: readonly ArgKind[], returns: ReturnRule, min = args.length, max = min): void {
  for (const name of names.split(' ')) CATALOG.set(name, { kind: 'scalar', min, max, args, returns });
}
const VARIADIC = Number.POSITIVE_INFINITY;

// Numeric.
scalar('abs ceil ceiling floor even', ['numeric'], 'arg0');
scalar('round trunc', ['numeric', 'numeric'], 'arg0', 1, 2);
scalar('sign', ['numeric'], 'int8');
scalar('sqrt cbrt exp ln log2 log10 degrees radians sin cos tan asin acos atan cot gamma lgamma', ['numeric'], 'float64');
scalar('log', ['numeric', 'numeric'], 'float64', 1, 2);
scalar('pow power atan2', ['numeric', 'numeric'], 'float64');
scalar('mod', ['numeric', 'numeric'], 'arithmetic');
scalar('gcd lcm', ['numeric', 'numeric'], 'int64');
scalar('factorial', ['numeric'], 'int64');
scalar('isnan isinf isfinite', ['numeric'], 'bool');
scalar('pi random', [], 'float64');
scalar('greatest least', ['any'], 'common', 1, VARIADIC);

// Strings.
scalar('lower upper lcase ucase reverse md5 sha1 sha256 to_base64', ['string'], 'string');
scalar('length len', ['sequence'], 'int64');
scalar('strlen char_length character_length octet_length bit_length', ['string'], 'int64');
scalar('trim ltrim rtrim', ['string', 'string'], 'string', 1, 2);
scalar('substr substring', ['string', 'numeric', 'numeric'], 'string', 2, 3);
scalar('left right repeat', ['string', 'numeric'], 'string');
scalar('lpad rpad', ['string', 'numeric', 'string'], 'string');
scalar('replace translate', ['string', 'string', 'string'], 'string');
scalar('concat', ['any'], 'string', 1, VARIADIC);
scalar('concat_ws', ['string', 'any'], 'string', 2, VARIADIC);
scalar('format printf', ['string', 'any'], 'string', 1, VARIADIC);
scalar('starts_with ends_with prefix suffix', ['string', 'string'], 'bool');
scalar('contains', ['any', 'any'], 'bool');
scalar('strpos instr position', ['string', 'string'], 'int64');
scalar('regexp_matches regexp_full_match', ['string', 'string', 'string'], 'bool', 2, 3);
scalar('regexp_replace', ['string', 'string', 'string', 'string'], 'string', 3, 4);
scalar('regexp_extract', ['string', 'string', 'any'], 'string', 2, 3);
scalar('split_part', ['string', 'string', 'numeric'], 'string');
scalar('string_split str_split split', ['string', 'string'], 'unknown');
scalar('ascii', ['string'], 'int32');
scalar('chr', ['numeric'], 'string');
scalar('levenshtein damerau_levenshtein hamming', ['string', 'string'], 'int64');
scalar('jaccard jaro_similarity jaro_winkler_similarity', ['string', 'string'], 'float64');

// NULL handling and conditionals.
scalar('coalesce', ['any'], 'common', 1, VARIADIC);
scalar('ifnull', ['any', 'any'], 'common');
scalar('nullif', ['any', 'any'], 'arg0');
scalar('if iff', ['boolean', 'any', 'any'], 'common-after-first');

// Dates and times.
scalar(
  'year month day dayofmonth hour minute second millisecond microsecond dayofweek isodow dayofyear week weekofyear quarter yearweek decade century era',
  ['temporal'],
  'int64',
);
scalar('epoch', ['temporal'], 'float64');
scalar('date_part datepart extract', ['string', 'temporal'], 'int64');
scalar('date_trunc datetrunc', ['string', 'temporal'], 'arg1');
scalar('date_diff datediff date_sub datesub', ['string', 'temporal', 'temporal'], 'int64');
scalar('date_add', ['temporal', 'any'], 'timestamp');
scalar('strftime', ['temporal', 'string'], 'string');
scalar('strptime', ['string', 'string'], 'timestamp');
scalar('to_timestamp', ['numeric'], 'timestamp');
scalar('make_date', ['numeric', 'numeric', 'numeric'], 'date');
scalar('make_timestamp', ['numeric'], 'timestamp', 1, 6);
scalar('now get_current_timestamp transaction_timestamp current_timestamp localtimestamp', [], 'timestamp');
scalar('today current_date', [], 'date');
scalar('current_time localtime', [], 'unknown');
scalar('last_day', ['temporal'], 'date');
scalar('dayname monthname', ['temporal'], 'string');
scalar('age', ['temporal', 'temporal'], 'interval', 1, 2);
scalar('to_years to_months to_days to_hours to_minutes to_seconds', ['numeric'], 'interval');

// Miscellaneous. hash() returns UBIGINT; int64 is the nearest column type and keeps `hash(x) % 10` checkable.
scalar('hash', ['any'], 'int64', 1, VARIADIC);
scalar('typeof', ['any'], 'string');
scalar('array_length', ['sequence', 'numeric'], 'int64', 1, 2);

for (const name of (
  'count count_star sum avg mean min max median mode stddev stddev_pop stddev_samp variance var_pop var_samp ' +
  'string_agg group_concat listagg array_agg list first last any_value arg_max arg_min argmax argmin max_by min_by ' +
  'bool_and bool_or count_if countif quantile quantile_cont quantile_disc approx_count_distinct approx_quantile ' +
  'product bit_and bit_or bit_xor histogram entropy kurtosis skewness corr covar_pop covar_samp fsum sumkahan favg mad ' +
  'regr_slope regr_intercept regr_r2 regr_count regr_avgx regr_avgy'
).split(' ')) {
  CATALOG.set(name, { kind: 'aggregate' });
}
for (const name of 'row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value'.split(' ')) {
  CATALOG.set(name, { kind: 'window' });
}

/** Looks a function up by name, case-insensitively; undefined when the catalog does not know it. */
export function lookupFunction(name: string): FunctionInfo | undefined {
  return CATALOG.get(name.toLowerCase());
}
