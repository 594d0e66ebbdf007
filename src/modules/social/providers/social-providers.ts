import { Inject, Injectable, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import { socialConfig } from '../../../config/social.config.js';
import { NotFoundError, ProviderNotConfiguredError } from '../../../common/errors/app-error.js';
import { FacebookProvider } from './facebook.provider.js';
import { GithubProvider } from './github.provider.js';
import { GoogleProvider } from './google.provider.js';
import { MicrosoftProvider } from './microsoft.provider.js';
import { isProviderName, PROVIDERS, type ProviderName } from './registry.js';
import type { SocialProvider } from './social-provider.js';

/** The adapter of every provider in the registry; a name without one does not compile. */
export const PROVIDER_ADAPTERS = {
  google: GoogleProvider,
  facebook: FacebookProvider,
  microsoft: MicrosoftProvider,
  github: GithubProvider,
} satisfies Record<ProviderName, Type<SocialProvider>>;

/** The providers at run time: a name from a URL becomes its adapter, or the contract's 404. */
@Injectable()
export class SocialProviders {
  constructor(
    private readonly modules: ModuleRef,
    @Inject(socialConfig.KEY) private readonly config: ConfigType<typeof socialConfig>,
  ) {}

  /** A configured provider's adapter; 404 for an unknown name, provider_not_configured without credentials. */
  get(name: string): SocialProvider {
    if (!isProviderName(name)) throw new NotFoundError();
    if (!PROVIDERS[name].configured(this.config)) throw new ProviderNotConfiguredError(name);
    return this.modules.get<SocialProvider>(PROVIDER_ADAPTERS[name]);
  }
}
