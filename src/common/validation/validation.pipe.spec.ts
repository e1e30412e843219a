import { HttpStatus, ValidationError } from '@nestjs/common';
import { ErrorCode } from '../errors/api-exception';
import { STORE_NAME_CONSTRAINT } from './decorators';
import { toFieldErrors, toValidationException } from './validation.pipe';

function error(property: string, constraints: Record<string, string>, children: ValidationError[] = []): ValidationError {
  return { property, constraints, children };
}

describe('toFieldErrors', () => {
  it('names nested fields by their path', () => {
    const errors = [error('encryptedPayload', {}, [error('iv', { isBase64: 'iv must be a base64 string' })])];

    expect(toFieldErrors(errors)).toEqual([{ field: 'encryptedPayload.iv', errors: ['iv must be a base64 string'] }]);
  });
});

describe('toValidationException', () => {
  it('answers 422 VALIDATION_FAILED with the first message in the sentence', () => {
    const exception = toValidationException([
      error('email', { isEmail: 'email must be an email' }),
      error('password', { minLength: 'password is too short' }),
    ]);

    expect(exception.getStatus()).toBe(HttpStatus.UNPROCESSABLE_ENTITY);
    expect(exception.toBody()).toEqual({
      statusCode: 422,
      code: ErrorCode.ValidationFailed,
      error: 'Validation failed: email must be an email',
      message: 'Validation failed: email must be an email',
      fields: [
        { field: 'email', errors: ['email must be an email'] },
        { field: 'password', errors: ['password is too short'] },
      ],
    });
  });

  it('answers 400 UNKNOWN_STORE when only the store name is wrong', () => {
    const exception = toValidationException([error('store', { [STORE_NAME_CONSTRAINT]: 'store must be one of: a, b' })]);

    expect(exception.getStatus()).toBe(HttpStatus.BAD_REQUEST);
    expect(exception.code).toBe(ErrorCode.UnknownStore);
  });

  it('answers 422 when the store name and another field are wrong', () => {
    const exception = toValidationException([
      error('store', { [STORE_NAME_CONSTRAINT]: 'store must be one of: a, b' }),
      error('itemId', { matches: 'itemId is invalid' }),
    ]);

    expect(exception.getStatus()).toBe(HttpStatus.UNPROCESSABLE_ENTITY);
  });
});
