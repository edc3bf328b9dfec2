import { formatMoney } from "../state/money";
import type { Stock } from "../state/types";

export function StockPanel({ stock, error }: { stock: Stock | undefined; error: string | null }) {
  return (
    <>
      <h2 id="stock-heading">Stock and balances</h2>
      {error && <p className="notice notice-error">{error}</p>}
      {!stock && !error && <p className="muted">Loading…</p>}
      {stock && (
        <div className="stock">
          <table aria-label="Inventory">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" className="num">
                  Available
                </th>
              </tr>
            </thead>
            <tbody>
              {stock.inventory.map((item) => (
                <tr key={item.productId} data-product={item.productId}>
                  <th scope="row">{item.productId}</th>
                  <td className="num">{item.available}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table aria-label="Balances">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col" className="num">
                  Balance
                </th>
              </tr>
            </thead>
            <tbody>
              {stock.balances.map((b) => (
                <tr key={b.userId} data-user={b.userId}>
                  <th scope="row">{b.userId}</th>
                  <td className="num">{formatMoney(b.balance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
