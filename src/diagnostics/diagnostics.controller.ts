import { Controller, HttpCode, HttpStatus, NotFoundException, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator';
import { DiagnosticsService, DiagnosticsSnapshot } from './diagnostics.service';

/** Benchmark-only endpoint, left out of the API docs; 404 unless BENCH_DIAGNOSTICS is true. */
@ApiExcludeController()
@Controller('diagnostics')
export class DiagnosticsController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  /** POST because reading restarts the measurement window. */
  @Public()
  @Post('snapshot')
  @HttpCode(HttpStatus.OK)
  snapshot(): DiagnosticsSnapshot {
    // The same 404 body as any unknown route, so a server with it off does not reveal it.
    if (!this.diagnostics.enabled) throw new NotFoundException();
    return this.diagnostics.takeSnapshot();
  }
}
