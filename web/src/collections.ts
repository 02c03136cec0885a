// What the collection screens share: the API's shapes, identifier rules (as the server checks them) and formats.

export type Described = { faceCount: number; userCount: number; creationTimestamp: number };
export type Face = { faceId: string; externalImageId?: string | null; userId?: string | null; confidence: number };
export type User = { userId: string; userStatus: string };

export const collectionIdPattern = /^[a-zA-Z0-9_.-]{1,255}$/;
export const externalImageIdPattern = /^[a-zA-Z0-9_.:-]{1,255}$/;
export const userIdPattern = /^[a-zA-Z0-9_.:-]{1,128}$/;

export const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** URL path segments, each escaped. */
export const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

/** "1 face", "3 faces". */
export const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
