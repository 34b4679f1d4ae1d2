// Numbers written as Python's format(value, spec) writes them, for the specs the hover texts
// use (figures/contract.py HOVER_FORMATS): ".Ng" (N significant digits, trailing zeros
// dropped, an exponent of at least two digits) and ".Nf" (N decimals). Ties round to even, as
// Python rounds the exact value: JavaScript's toFixed and toPrecision round them up.

// Digits past the ones kept, enough to see whether the exact value is a tie.
const EXTRA = 30;

// `text` (a number written by toFixed or toExponential with more digits) cut to `digits`
// after the point, and whether what was cut is exactly a half.
function cut(text, digits) {
  const [whole, frac = ""] = text.split(".");
  const tie = frac[digits] === "5" && /^0*$/.test(frac.slice(digits + 1));
  return { kept: digits ? `${whole}.${frac.slice(0, digits)}` : whole, tie };
}

// A rounding of x ≥ 0 (`round(x, digits)`, which rounds ties up) corrected to round ties to
// even: on a tie whose kept last digit is even, the value cut there.
function evenTies(rounded, exact, digits) {
  const { kept, tie } = cut(exact, digits);
  return tie && Number(kept.at(-1)) % 2 === 0 ? kept : rounded;
}

function fixed(x, digits) {
  return evenTies(x.toFixed(digits), x.toFixed(Math.min(100, digits + EXTRA)), digits);
}

// [mantissa, exponent] of x > 0 with `digits` after the mantissa's point.
function exponential(x, digits) {
  const [exactMantissa, exactExponent] = x.toExponential(Math.min(100, digits + EXTRA)).split("e");
  const rounded = x.toExponential(digits);
  const even = evenTies(rounded.split("e")[0], exactMantissa, digits);
  const [mantissa, exponent] = even === rounded.split("e")[0] ? rounded.split("e") : [even, exactExponent];
  return [mantissa, Number(exponent)];
}

const stripZeros = (text) => (text.includes(".") ? text.replace(/\.?0+$/, "") : text);

function general(x, precision) {
  const p = precision || 1;
  if (x === 0) return "0";
  const [mantissa, exponent] = exponential(x, p - 1);
  if (exponent >= -4 && exponent < p) return stripZeros(fixed(x, p - 1 - exponent));
  const sign = exponent < 0 ? "-" : "+";
  return `${stripZeros(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

// The writers of the formats, by the spec's type letter.
export const FORMATS = { g: general, f: fixed };

// `value` written with `digits` and format letter `kind` (a key of FORMATS), as Python does.
export function formatNumber(value, digits, kind) {
  const v = Number(value);
  if (Number.isNaN(v)) return "nan";
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  if (!Number.isFinite(v)) return `${sign}inf`;
  return sign + FORMATS[kind](Math.abs(v), digits);
}
