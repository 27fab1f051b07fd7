import { type CanActivate, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The sample's protection of the webhook admin API: `Authorization: Bearer <ADMIN_TOKEN>`. A real application puts
 * its own authentication guard here instead. Compared as digests in constant time, so neither the token's length
 * nor its prefix leaks through timing.
 */
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(`Bearer ${token}`);
  }

  canActivate(context: ExecutionContext): boolean {
    const header =
      context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization ?? '';
    if (!timingSafeEqual(digest(header), this.expected))
      throw new UnauthorizedException('Send Authorization: Bearer <ADMIN_TOKEN>.');
    return true;
  }
}
