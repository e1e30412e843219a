import { BatchPullResultDto, ItemDto, ItemMetadataDto } from './dto/vault.dto';
import { VaultItem } from './schemas/vault-item.schema';

type StoredItem = Pick<VaultItem, 'itemId' | 'itemName' | 'payloadSize' | 'updatedAt' | 'encryptedPayload' | 'storeName'>;

export function toItemMetadata(item: StoredItem): ItemMetadataDto {
  return {
    itemId: item.itemId,
    itemName: item.itemName ?? '',
    payloadSize: item.payloadSize,
    updatedAt: item.updatedAt,
  };
}

export function toItem(item: StoredItem): ItemDto {
  const payload = item.encryptedPayload ?? { salt: '', iv: '', data: '' };
  return {
    ...toItemMetadata(item),
    encryptedPayload: { salt: payload.salt, iv: payload.iv, data: payload.data },
  };
}

export function toPulledItem(item: StoredItem): BatchPullResultDto {
  return { storeName: item.storeName, ...toItem(item) };
}
