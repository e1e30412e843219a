import { ApiProperty } from '@nestjs/swagger';

export class SessionDto {
  @ApiProperty({ example: '6750a1c2e4b0a1b2c3d4e5f7' })
  id: string;

  @ApiProperty({ format: 'date-time', description: 'When the person signed in on this device' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', description: 'Last sign-in or token refresh of this session' })
  lastUsedAt: string;

  @ApiProperty({ example: 'Firefox on Windows', description: 'Browser and operating system from the User-Agent' })
  device: string;

  @ApiProperty({ description: 'True for the session of the access token that made this request' })
  current: boolean;
}
