import { Module, type DynamicModule } from '@nestjs/common';
import { DevUiController } from './dev-ui.controller.js';

@Module({})
export class DevUiModule {
  /** The page exists only when enabled; otherwise its routes are simply absent (404). */
  static register(enabled: boolean): DynamicModule {
    return { module: DevUiModule, controllers: enabled ? [DevUiController] : [] };
  }
}
