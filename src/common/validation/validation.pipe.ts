import { HttpStatus, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiException, ErrorCode, FieldError } from '../errors/api-exception';
import { STORE_NAME_CONSTRAINT } from './decorators';

/** Flattens nested class-validator errors into `field.path: messages` entries. */
export function toFieldErrors(errors: ValidationError[], parentPath = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parentPath ? `${parentPath}.${error.property}` : error.property;
    const messages = Object.values(error.constraints ?? {});
    const own = messages.length > 0 ? [{ field, errors: messages }] : [];
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

function onlyStoreNameFailed(errors: ValidationError[]): boolean {
  const constraintNames = flattenConstraintNames(errors);
  return constraintNames.length > 0 && constraintNames.every((name) => name === STORE_NAME_CONSTRAINT);
}

function flattenConstraintNames(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [
    ...Object.keys(error.constraints ?? {}),
    ...flattenConstraintNames(error.children ?? []),
  ]);
}

/**
 * Builds the exception for a failed validation: 422 with every invalid
 * field listed. An unknown store name alone gets 400 instead, because the
 * web client expects 400 for it.
 */
export function toValidationException(errors: ValidationError[]): ApiException {
  const fields = toFieldErrors(errors);
  const first = fields[0] ? `${fields[0].errors[0]}` : 'request is invalid';
  if (onlyStoreNameFailed(errors)) {
    return new ApiException(HttpStatus.BAD_REQUEST, ErrorCode.UnknownStore, `Unknown store: ${first}`, { fields });
  }
  return new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, ErrorCode.ValidationFailed, `Validation failed: ${first}`, {
    fields,
  });
}

/** Strict validation for every body, query and path parameter set. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: toValidationException,
  });
}
