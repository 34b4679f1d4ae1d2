// The drawing contract (figures/contract.py), as the kernel sends it in the board's
// `contract` trait: what the page must be able to draw. The page takes the array keys, dash
// patterns, colour maps and the push segments' shape from it, and checks here that it
// implements everything else the contract names.
import { PARTS } from "./chart.js";
import { CURVES, FOLLOW } from "./follow.js";
import { FORMATS } from "./format.js";
import { SYMBOLS } from "./marks.js";
import { PAINTERS } from "./painters.js";

// Whether this page can draw a name of each list of the contract.
const CAN = {
  kinds: (name) => name in PAINTERS,
  trace_types: (name) => Object.values(PAINTERS).some((p) => p.traceTypes.includes(name)),
  modes: (name) => name.split("+").every((mode) => PARTS.some((p) => p.mode === mode)),
  symbols: (name) => name in SYMBOLS,
  curves: (name) => name in CURVES,
  follow: (name) => name in FOLLOW,
  formats: (name) => name === "" || name in FORMATS,
};

// Everything the contract names that this page cannot draw ([] when it can draw it all).
export function missing(contract) {
  const asked = {
    kinds: contract.kinds,
    trace_types: contract.trace_types,
    modes: contract.modes,
    symbols: contract.symbols,
    curves: contract.curves,
    follow: Object.keys(contract.follow),
    formats: contract.hover.formats,
  };
  return Object.entries(asked).flatMap(([list, names]) =>
    names.filter((name) => !CAN[list](name)).map((name) => `${list} ${JSON.stringify(name)}`));
}
