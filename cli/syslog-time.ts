/**
 * A traditional syslog time (`Mar  5 14:03:07`) has no year and no zone. `replay` reads it in the
 * local time zone of the process (set `TZ` to the zone of the machine that wrote the log) and gives
 * it the year that makes it the latest such date not after `notAfter` (the file's modification
 * time): a log written in January still dates its December lines in the year before.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SYSLOG_TIME = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})$/;

export function syslogTimeToMs(text: string, notAfter: number): number | undefined {
  const match = SYSLOG_TIME.exec(text);
  const month = match ? MONTHS.indexOf(match[1]) : -1;
  if (!match || month < 0) return undefined;
  const [day, hours, minutes, seconds] = match.slice(2).map(Number);
  // Go back year by year: a date later than the file cannot be in its year; Feb 29 needs a leap year.
  for (let year = new Date(notAfter).getFullYear(), tries = 0; tries < 9; year--, tries++) {
    const date = new Date(year, month, day, hours, minutes, seconds);
    if (date.getMonth() !== month || date.getDate() !== day) continue;
    if (date.getTime() <= notAfter) return date.getTime();
  }
  return undefined;
}
