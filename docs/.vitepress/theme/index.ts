import DefaultTheme from 'vitepress/theme';
import './code-titles.css';

export default DefaultTheme;
