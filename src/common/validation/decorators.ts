import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBase64,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { STORE_NAMES, isStoreName } from './store-names';

/** Name of the class-validator constraint for store names. The validation pipe returns 400 for it. */
export const STORE_NAME_CONSTRAINT = 'isStoreName';

/** Largest accepted epoch-millisecond timestamp: the maximum a JavaScript Date can hold. */
export const MAX_EPOCH_MILLIS = 8_640_000_000_000_000;

/**
 * Item ids are chosen by the client and travel in URL paths. Rejected:
 * slashes and backslashes, control characters (C0, DEL and C1), the line
 * and paragraph separators U+2028 and U+2029, lone UTF-16 surrogates (not
 * storable as UTF-8), and the ids "." and "..", which URL normalisation
 * would resolve away. Length is 1 to 200 UTF-16 code units.
 */
export const ITEM_ID_PATTERN = /^(?!\.\.?$)[^\p{Cc}\p{Cs}\u2028\u2029/\\]+$/u;
export const ITEM_ID_MAX_LENGTH = 200;

/** Validates and documents a vault store name. */
export function IsStoreName(options: ValidationOptions = {}): PropertyDecorator {
  return applyDecorators(
    ValidateBy(
      {
        name: STORE_NAME_CONSTRAINT,
        validator: {
          validate: (value) => isStoreName(value),
          defaultMessage: () => `$property must be one of: ${STORE_NAMES.join(', ')}`,
        },
      },
      options,
    ),
    ApiProperty({ enum: STORE_NAMES, example: 'kanban-boards' }),
  );
}

/** Validates and documents a client-chosen item id. */
export function IsItemId(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MaxLength(ITEM_ID_MAX_LENGTH, { message: `$property must be at most ${ITEM_ID_MAX_LENGTH} characters` }),
    Matches(ITEM_ID_PATTERN, {
      message: '$property must be non-empty, not "." or "..", and contain no slashes or control characters',
    }),
    ApiProperty({ maxLength: ITEM_ID_MAX_LENGTH, example: 'board-2f1c9a' }),
  );
}

/** Validates and documents a timestamp in milliseconds since the Unix epoch. */
export function IsEpochMillis(options: { optional?: boolean; description?: string } = {}): PropertyDecorator {
  const documentation = {
    type: 'integer' as const,
    minimum: 0,
    example: 1733300000000,
    description: options.description ?? 'Milliseconds since the Unix epoch',
  };
  return applyDecorators(
    IsInt({ message: '$property must be an integer number of milliseconds since the epoch' }),
    Min(0),
    Max(MAX_EPOCH_MILLIS),
    options.optional ? ApiPropertyOptional(documentation) : ApiProperty(documentation),
  );
}

/** Validates and documents a standard base64 string. */
export function IsBase64String(description: string, maxLength?: number): PropertyDecorator {
  const decorators = [
    IsString(),
    IsBase64({}, { message: '$property must be a base64 string' }),
    ApiProperty({ description, format: 'byte', example: 'q83vEjRWeJA=' }),
  ];
  if (maxLength !== undefined) decorators.push(MaxLength(maxLength));
  return applyDecorators(...decorators);
}

/** bcrypt reads only the first 72 bytes of a password, so longer ones are rejected rather than cut. */
export const MAX_PASSWORD_BYTES = 72;

/** Validates and documents a password as the client sends it (a derived key, never the raw password). */
export function IsPassword(description = 'Password: 8 characters to 72 bytes'): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MinLength(8),
    ValidateBy({
      name: 'maxPasswordBytes',
      validator: {
        validate: (value) => typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= MAX_PASSWORD_BYTES,
        defaultMessage: () => `$property must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`,
      },
    }),
    ApiProperty({ description, minLength: 8, example: 'a3f1c0de9b7e4c21a3f1c0de9b7e4c21' }),
  );
}
