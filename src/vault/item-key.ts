export interface ItemKey {
  storeName: string;
  itemId: string;
}

/** Returns a string that identifies an item within one account, for use as a Map key. */
export function keyOf(item: ItemKey): string {
  return JSON.stringify([item.storeName, item.itemId]);
}
