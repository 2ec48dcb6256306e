// The dashboard's entry point: styles (uPlot's, then ours) and the app mounted on #app.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { App } from './app.js';

render(<App />, document.getElementById('app')!);
