// The formatters moved to src/format/ (shared by every module); the names this folder used stay exported here so
// its imports keep working. New code imports chinaDateTime/chinaDay and fmtValue from src/format.
export { chinaDateTime as fmtDateTime, chinaDay as fmtDate } from '../../format/time';
export { fmtValue } from '../../format/values';
