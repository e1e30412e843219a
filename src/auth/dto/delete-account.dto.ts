import { IsPassword } from '../../common/validation/decorators';

export class DeleteAccountDto {
  @IsPassword('The current derived key, as sent to login')
  currentPassword: string;
}
