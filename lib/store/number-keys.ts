// Numbers in sort keys: zero-padded to 10 digits, so that text order is number order (binding ids
// and orderings are at most 2 147 483 647).
export const numberKey = (n: number) => String(n).padStart(10, '0');
