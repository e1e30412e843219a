import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from './common/auth/public.decorator';
import { SERVICE_NAME, SERVICE_VERSION } from './service-info';

class ServiceInfoDto {
  @ApiProperty({ example: SERVICE_NAME })
  name: string;

  @ApiProperty({ example: SERVICE_VERSION })
  version: string;
}

@ApiTags('service')
@Controller()
export class AppController {
  @Public()
  @Get()
  @ApiOperation({ summary: 'Name and version of the service' })
  @ApiOkResponse({ type: ServiceInfoDto })
  info(): ServiceInfoDto {
    return { name: SERVICE_NAME, version: SERVICE_VERSION };
  }
}
