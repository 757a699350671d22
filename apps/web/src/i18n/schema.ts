import type en from './messages/en'

/** The shape every language's messages have: English's (`zh-CN.ts` is checked against it). */
export type Messages = typeof en
