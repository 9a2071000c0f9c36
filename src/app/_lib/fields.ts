// Request fields shared by several routes, validated the same way everywhere.
import { z } from 'zod';

/** Surrounding spaces (a pasted address) are dropped before the address is checked, not refused. */
export const emailField = z.string().trim().pipe(z.email().max(254));
/** NIST 800-63B: length over composition rules; the upper bound keeps scrypt's input sane. */
export const passwordField = z.string().min(10, 'must be at least 10 characters').max(256);
export const tokenField = z.string().min(10).max(200);
/** What an API key is for, as its owner names it. */
export const keyNameField = z.string().trim().min(1).max(100);
