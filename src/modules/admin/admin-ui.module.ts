import { Module, type DynamicModule } from '@nestjs/common';
import { AdminUiController } from './admin-ui.controller.js';

@Module({})
export class AdminUiModule {
  /** The page exists only when enabled; otherwise its routes are simply absent (404). */
  static register(enabled: boolean): DynamicModule {
    return { module: AdminUiModule, controllers: enabled ? [AdminUiController] : [] };
  }
}
