import { z } from 'zod'
import { objectNameProblem } from '../refs'

/** An absolute or relative filesystem path given by a user; resolved on the main side. */
export const PathSchema = z
  .string({ error: 'must be a path (a string)' })
  .trim()
  .min(1, 'must not be empty')
  .max(4096, 'is longer than 4096 characters')
  .refine((s) => !s.includes('\0'), 'must not contain NUL characters')

/** A name a user gives an object or project: readable, one line. */
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'is longer than 200 characters')
  .refine((s) => !/[\r\n]/.test(s), 'must be one line')

/** An object's file name stem: safe as a file name on every OS. */
export const ObjectNameSchema = z.string().superRefine((name, ctx) => {
  const problem = objectNameProblem(name)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})
