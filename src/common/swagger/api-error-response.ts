import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ErrorCode } from '../errors/api-exception';

class FieldErrorDto {
  @ApiProperty({ example: 'password' })
  field: string;

  @ApiProperty({ type: [String], example: ['password must be longer than or equal to 8 characters'] })
  errors: string[];
}

/** The error body every failing request returns. */
export class ErrorResponseDto {
  @ApiProperty({ example: 422 })
  statusCode: number;

  @ApiProperty({ description: 'Sentence to show to a person', example: 'Validation failed: email must be an email' })
  error: string;

  @ApiProperty({ description: 'The same sentence as `error`' })
  message: string;

  @ApiProperty({ enum: ErrorCode, example: ErrorCode.ValidationFailed })
  code: ErrorCode;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Invalid fields, on 422 and 400 validation errors' })
  fields?: FieldErrorDto[];
}

/**
 * Documents error responses of a route, with the code each one carries.
 * Takes pairs of status and description.
 */
export function ApiErrors(...responses: [HttpStatus, string][]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...responses.map(([status, description]) => ApiResponse({ status, description, type: ErrorResponseDto })),
  );
}
