import { Module } from '@nestjs/common';

/** Sends account email. Password reset builds on it; nothing else sends mail yet. */
@Module({})
export class MailModule {}
