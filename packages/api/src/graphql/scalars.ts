import { GraphQLScalarType, Kind } from 'graphql';
import { isRealDate } from '../modules/elders/id-number.js';
import { AppError } from './errors.js';

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isRealDate(value)) {
    throw new AppError(
      'BAD_USER_INPUT',
      `日期“${String(value).slice(0, 30)}”无效，格式应为 YYYY-MM-DD，例如 2026-11-01`,
      `Invalid date "${String(value).slice(0, 30)}": use YYYY-MM-DD, e.g. 2026-11-01`,
    );
  }
  return value;
}

/** A calendar date without time or zone (birth dates, visit days), in China's calendar. */
export const LocalDate = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD (日期). Days are counted in China time (UTC+8).',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});
