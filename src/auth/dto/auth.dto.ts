import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsPassword } from '../../common/validation/decorators';

const normaliseEmail = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/** Validates and documents an account email, trimmed and lower-cased as it is stored. */
function IsAccountEmail(): PropertyDecorator {
  return applyDecorators(
    Transform(normaliseEmail),
    IsEmail(),
    MaxLength(254),
    ApiProperty({ example: 'ana@example.com' }),
  );
}

function IsVaultSalt(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsArray(),
    ArrayMinSize(16),
    ArrayMaxSize(16),
    IsInt({ each: true }),
    Min(0, { each: true }),
    Max(255, { each: true }),
    ApiPropertyOptional({
      type: [Number],
      minItems: 16,
      maxItems: 16,
      description: 'Salt for the client-side key derivation: 16 numbers from 0 to 255',
      example: [12, 200, 7, 99, 1, 0, 255, 34, 18, 77, 5, 140, 61, 222, 9, 3],
    }),
  );
}

export class RegisterDto {
  @IsAccountEmail()
  email: string;

  @IsPassword('Key derived from the password on the client (PBKDF2, hex), 8 characters to 72 bytes')
  password: string;

  @IsVaultSalt()
  vaultSalt?: number[];
}

export class LoginDto {
  @IsAccountEmail()
  email: string;

  @IsPassword('Key derived from the password on the client')
  password: string;
}

export class ChangePasswordDto {
  @IsPassword('The current derived key')
  currentPassword: string;

  @IsPassword('The new derived key')
  newPassword: string;

  /** The web client sends none; the stored salt is kept then. */
  @IsVaultSalt()
  newVaultSalt?: number[];
}

export class ForgotPasswordDto {
  @IsAccountEmail()
  email: string;
}

export class VerifyResetTokenDto {
  @IsAccountEmail()
  email: string;

  /** Any string is accepted here, so that a wrong token gets 400 INVALID_RESET_TOKEN rather than 422. */
  @IsString()
  @MaxLength(256)
  @ApiProperty({ description: 'The `token` query parameter of the emailed reset link', example: 'mX3l0v2Q9pR7...' })
  token: string;
}

export class ResetAccountDto extends VerifyResetTokenDto {
  @IsPassword('The new derived key')
  newPassword: string;

  /** The web client sends none; the stored salt is kept then. */
  @IsVaultSalt()
  newVaultSalt?: number[];
}
