/** `1 event`, `2 events`: counts in the fixed English of every rendering. */
export const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
