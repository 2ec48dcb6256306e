export { type Asset, type Assets, buildDashboard, dashboardAssets } from './bundle.js';
export { registerDashboard } from './plugin.js';
