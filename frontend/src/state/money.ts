/** Money as the API gives it (Decimal strings), formatted without binary floating point. */

/** "100" → "$100.00", "1000.5" → "$1,000.50". Anything unexpected is shown as it is. */
export function formatMoney(amount: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (match === null) return amount;
  const [, sign = "", whole = "0", fraction = ""] = match;
  const cents = `${fraction}00`.slice(0, 2);
  const grouped = whole.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}$${grouped}.${cents}`;
}
