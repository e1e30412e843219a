import { ApiProperty } from '@nestjs/swagger';

export class UserDto {
  @ApiProperty({ example: '6750a1c2e4b0a1b2c3d4e5f6' })
  id: string;

  @ApiProperty({ example: 'ana@example.com' })
  email: string;

  @ApiProperty({ type: [Number], example: [12, 200, 7, 99, 1, 0, 255, 34, 18, 77, 5, 140, 61, 222, 9, 3] })
  vaultSalt: number[];
}

export class AuthResponseDto {
  @ApiProperty({ description: 'Access token (JWT) for the Authorization header; valid for 15 minutes by default' })
  token: string;

  @ApiProperty({ type: UserDto })
  user: UserDto;
}

export class MessageResponseDto {
  @ApiProperty({ example: 'Password changed' })
  message: string;
}

export class ResetTokenValidDto {
  @ApiProperty({ example: true })
  valid: true;
}

export class ChangePasswordResponseDto extends AuthResponseDto {
  @ApiProperty({ example: 'Password changed' })
  message: string;
}
