document.head.append(Object.assign(document.createElement("script"),{src:new URL("/widget/widget-VDY6XHUL.js",document.currentScript?.src||location.href)}));
