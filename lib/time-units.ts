// Lengths of time in milliseconds, named once: the seal, the live log and the analytics step by them.
export const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const dayMs = 86_400_000;
